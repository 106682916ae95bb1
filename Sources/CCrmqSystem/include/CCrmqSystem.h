#ifndef CRMQ_CSYSTEM_H
#define CRMQ_CSYSTEM_H

#include <stddef.h>
#include <stdint.h>

/// Temporary files that a fatal signal must not leave behind. A path is copied into a
/// fixed slot (signal handlers cannot allocate); SIGTERM, SIGHUP and, where the process
/// has no handler of its own, SIGINT unlink every registered path before the process
/// dies of the signal as it would have. Returns the slot, or -1 when all are in use
/// (the file then simply is not cleaned up by a signal).
int crmq_temp_register(const char *path);
/// Forgets a slot from `crmq_temp_register` (the file was renamed or removed).
void crmq_temp_unregister(int slot);

/// Installs the fatal-signal clean-up now (registering a temporary file does it too).
void crmq_install_fatal_signal_cleanup(void);
/// Text (at most 32 bytes) written to standard output when a fatal signal ends the
/// process, to leave the terminal as it was found; NULL for none.
void crmq_set_exit_text(const char *text);

/// Guards a read-only file mapping against SIGBUS: when the file shrinks while it is
/// read, the pages past its new end would kill the process. Inside a guarded range a
/// fault maps a zero page instead and marks the range as faulted; any other SIGBUS
/// goes to the action installed before the guard (a crash report, then death). Returns a slot, or -1 when all are in use.
int crmq_guard_mapping(const void *base, size_t length);
/// Ends the guard of a slot; returns 1 if a fault happened inside it (the bytes read
/// are then not the file's), 0 otherwise.
int crmq_unguard_mapping(int slot);

#endif
