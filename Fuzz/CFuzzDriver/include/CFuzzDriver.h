// libFuzzer's entry for a program with its own main (compiler-rt's FuzzerInterface.h):
// SwiftPM gives every executable a main, so the fuzz targets call the driver from theirs
// instead of linking libFuzzer's main.
#ifndef CRMQ_FUZZ_DRIVER_H
#define CRMQ_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
