// libedit's native API (histedit.h) for Swift. el_set, el_get and history take C
// varargs, which Swift cannot call, so each use is wrapped here; the C globals stdin,
// stdout and stderr are touched here too (Swift 6 rejects them). Never include
// <readline/readline.h>: that name finds GNU readline's headers.
#ifndef CRMQ_CLIBEDIT_SHIM_H
#define CRMQ_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <errno.h>
#include <stdio.h>

typedef char *(*crmq_prompt_fn)(EditLine *);
typedef unsigned char (*crmq_command_fn)(EditLine *, int);
typedef int (*crmq_read_fn)(EditLine *, wchar_t *);

/// An editor on the process's standard input, output and error.
static inline EditLine *crmq_el_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

static inline int crmq_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int crmq_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

static inline int crmq_el_set_prompt(EditLine *el, crmq_prompt_fn prompt) {
    return el_set(el, EL_PROMPT, prompt);
}

static inline int crmq_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int crmq_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *crmq_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

/// Leaves line ends as they are in libedit's editing mode (stty -icrnl -inlcr there), so a
/// pasted CR LF reaches the editor as it was sent instead of as two line ends.
static inline int crmq_el_keep_carriage_returns(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-icrnl", "-inlcr", NULL);
}

/// Puts the terminal in libedit's editing mode (1) or back (0).
static inline int crmq_el_prep_term(EditLine *el, int raw) {
    return el_set(el, EL_PREP_TERM, raw);
}

/// Replaces libedit's character reader (which retries a read interrupted by Ctrl-C, so
/// el_gets would return only at the next key).
static inline int crmq_el_set_getcfn(EditLine *el, crmq_read_fn fn) {
    return el_set(el, EL_GETCFN, fn);
}

/// Adds a named editor function; bind keys to it only after this succeeded.
static inline int crmq_el_addfn(EditLine *el, const char *name, const char *help, crmq_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

static inline int crmq_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, (const char *)NULL);
}

/// el_gets, with errno captured at once (count -1 and EINTR: interrupted by a signal;
/// count 0: end of input).
static inline const char *crmq_el_gets(EditLine *el, int *count, int *error) {
    errno = 0;
    const char *line = el_gets(el, count);
    *error = errno;
    return line;
}

static inline int crmq_errno_eintr(void) { return EINTR; }

/// Writes text to standard output through stdio, the stream libedit draws on, and
/// flushes it, so the two never interleave out of order.
static inline void crmq_write_stdout(const char *text) {
    fputs(text, stdout);
    fflush(stdout);
}

static inline void crmq_flush_stdout(void) { fflush(stdout); }

// History.

static inline int crmq_history_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}

static inline int crmq_history_setunique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int crmq_history_enter(History *h, const char *entry) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, entry);
}

static inline int crmq_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

static inline int crmq_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

/// Moves through the entries: H_FIRST, H_LAST, H_NEXT, H_PREV. The entry's text, or
/// NULL when there is none.
static inline const char *crmq_history_step(History *h, int op) {
    HistEvent ev;
    if (history(h, &ev, op) < 0) return NULL;
    return ev.str;
}

#endif
