#define _GNU_SOURCE
#include "CCrmqSystem.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// Both tables are fixed arrays of slots claimed with compare-and-swap, so that a signal
// handler can read them at any moment without locks or allocation.

#define TEMP_SLOTS 16
#define TEMP_PATH_MAX 4096

static char temp_paths[TEMP_SLOTS][TEMP_PATH_MAX];
static atomic_int temp_used[TEMP_SLOTS];  // 0 free, 1 being filled, 2 registered
static atomic_int handlers_installed;

static void unlink_registered(void) {
    for (int i = 0; i < TEMP_SLOTS; i++) {
        if (atomic_load(&temp_used[i]) == 2) unlink(temp_paths[i]);
    }
}

// Bytes written to standard output when a fatal signal ends the process (the shell's
// "bracketed paste off"), so the terminal is left as it was found.
#define EXIT_TEXT_MAX 32
static char exit_text[EXIT_TEXT_MAX];
static atomic_int exit_text_length;

static void on_fatal_signal(int sig) {
    unlink_registered();
    int n = atomic_load(&exit_text_length);
    if (n > 0) { ssize_t w = write(1, exit_text, (size_t)n); (void)w; }
    signal(sig, SIG_DFL);
    raise(sig);
}

void crmq_install_fatal_signal_cleanup(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&handlers_installed, &expected, 1)) return;
    int signals[] = {SIGTERM, SIGHUP, SIGINT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) != 0) continue;
        // A handler the process installed itself (the shell's Ctrl-C, which cancels the
        // save instead) or an ignored signal stays as it is.
        if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(signals[i], &sa, NULL);
    }
}

int crmq_temp_register(const char *path) {
    if (strlen(path) >= TEMP_PATH_MAX) return -1;
    crmq_install_fatal_signal_cleanup();
    for (int i = 0; i < TEMP_SLOTS; i++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&temp_used[i], &expected, 1)) {
            strcpy(temp_paths[i], path);
            atomic_store(&temp_used[i], 2);
            return i;
        }
    }
    return -1;
}

void crmq_temp_unregister(int slot) {
    if (slot >= 0 && slot < TEMP_SLOTS) atomic_store(&temp_used[slot], 0);
}

void crmq_set_exit_text(const char *text) {
    atomic_store(&exit_text_length, 0);
    if (text == NULL) return;
    size_t n = strlen(text);
    if (n > EXIT_TEXT_MAX) return;
    memcpy(exit_text, text, n);
    atomic_store(&exit_text_length, (int)n);
}

#define GUARD_SLOTS 16

static _Atomic(uintptr_t) guard_base[GUARD_SLOTS];
static _Atomic(size_t) guard_length[GUARD_SLOTS];
static atomic_int guard_faulted[GUARD_SLOTS];
static atomic_int guard_installed;
// The SIGBUS action before the guard (Swift's crash reporter, or the default), which gets
// every SIGBUS that is not a fault inside a guarded mapping.
static struct sigaction previous_bus_action;

static void pass_on_bus_error(int sig, siginfo_t *info) {
    sigaction(SIGBUS, &previous_bus_action, NULL);
    // Sent by kill() rather than raised by a fault: the faulting instruction will not run
    // again to deliver it, so deliver it now.
    if (info->si_code <= 0) raise(sig);
}

static void on_bus_error(int sig, siginfo_t *info, void *context) {
    (void)context;
    if (info->si_code <= 0) {
        pass_on_bus_error(sig, info);
        return;
    }
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int i = 0; i < GUARD_SLOTS; i++) {
        uintptr_t base = atomic_load(&guard_base[i]);
        size_t length = atomic_load(&guard_length[i]);
        if (base != 0 && address >= base && address < base + length) {
            long page = sysconf(_SC_PAGESIZE);
            uintptr_t start = address & ~((uintptr_t)page - 1);
            // A zero page over the vanished one: the faulting read is retried and sees
            // zeros; the reader learns of it from crmq_unguard_mapping.
            if (mmap((void *)start, (size_t)page, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) {
                atomic_store(&guard_faulted[i], 1);
                return;
            }
        }
    }
    // Not a guarded mapping: the faulting instruction runs again and the previous action
    // (a crash report, then death) takes it.
    pass_on_bus_error(sig, info);
}

int crmq_guard_mapping(const void *base, size_t length) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&guard_installed, &expected, 1)) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_bus_error;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, &previous_bus_action);
    }
    for (int i = 0; i < GUARD_SLOTS; i++) {
        uintptr_t free_slot = 0;
        if (atomic_compare_exchange_strong(&guard_base[i], &free_slot, (uintptr_t)1)) {
            atomic_store(&guard_faulted[i], 0);
            atomic_store(&guard_length[i], length);
            atomic_store(&guard_base[i], (uintptr_t)base);
            return i;
        }
    }
    return -1;
}

int crmq_unguard_mapping(int slot) {
    if (slot < 0 || slot >= GUARD_SLOTS) return 0;
    atomic_store(&guard_length[slot], 0);
    atomic_store(&guard_base[slot], 0);
    return atomic_exchange(&guard_faulted[slot], 0);
}
