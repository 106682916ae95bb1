#ifndef CRMQ_CALLOCATOR_H
#define CRMQ_CALLOCATOR_H

/// Makes the C allocator keep freed memory for reuse instead of returning it to the system
/// (glibc; elsewhere it does nothing). See CrmqEngine's Allocator.
void crmq_keep_freed_memory(void);

/// Returns the free memory the allocator kept to the system (glibc; elsewhere nothing).
void crmq_release_freed_memory(void);

#endif
