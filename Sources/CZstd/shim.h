// Zstandard decompression: Arrow IPC bodies compressed with ZSTD (Debian's libzstd-dev).
#include <zstd.h>
