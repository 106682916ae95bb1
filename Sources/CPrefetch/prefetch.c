// The header-only prefetch hint (include/CPrefetch.h); SwiftPM needs a source file.
