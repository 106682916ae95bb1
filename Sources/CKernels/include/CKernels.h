#ifndef CRMQ_CKERNELS_H
#define CRMQ_CKERNELS_H

// Small loop kernels that Swift cannot express: a prefetch hint and SIMD byte masks.
// Header-only and static inline, so they are inlined into the Swift loops that call them.

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the CPU to bring the cache line at `p` in for writing, without waiting for it.
static inline void crmq_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// Bit i set where byte i of the 64 bytes at `p` is ',', '\n' or '"': the bytes that end
/// or quote an unquoted CSV field. SSE2 (every x86-64); a byte loop elsewhere.
static inline uint64_t crmq_csv_structural_bits(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    uint64_t bits = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, quote));
        bits |= (uint64_t)(uint32_t)_mm_movemask_epi8(m) << (16 * k);
    }
    return bits;
#else
    uint64_t bits = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        bits |= (uint64_t)(c == ',' || c == '\n' || c == '"') << i;
    }
    return bits;
#endif
}

#endif
