#ifndef CRMQ_CPREFETCH_H
#define CRMQ_CPREFETCH_H

/// Asks the CPU to bring the cache line at `p` in for writing, without waiting for it.
/// Swift has no prefetch of its own; inlined into the caller's loop.
static inline void crmq_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

#endif
