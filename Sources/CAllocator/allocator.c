#include "CAllocator.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void crmq_keep_freed_memory(void) {
#if defined(__GLIBC__)
    // Every block comes from the heap rather than from its own mmap (M_MMAP_THRESHOLD cannot
    // be raised above 32 MiB, smaller than a column of a few million rows), and up to 1 GiB
    // of free memory at the top of the heap is kept: a query's column-sized temporaries then
    // reuse pages the previous step freed instead of faulting in fresh zeroed pages. Free
    // memory below blocks still in use stays too, until crmq_release_freed_memory: the
    // process keeps about its peak between queries (the REPL gives it back after a load).
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void crmq_release_freed_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
