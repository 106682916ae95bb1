// LZ4 frame decompression: Arrow IPC bodies compressed with LZ4_FRAME (Debian's liblz4-dev).
#include <lz4frame.h>
