// The kernels are header-only (include/CKernels.h); SwiftPM needs a source file.
