//go:build openblas && cgo

package linalg

/*
#cgo CFLAGS: -O3
// Without trapping math gcc may if-convert the clamps and vectorize.
#pragma GCC optimize ("O3", "no-trapping-math")
#include <stdint.h>
#include <string.h>

// e^t for t clamped to [-87, 88], as Exp32 in linalg.go.
static inline __attribute__((always_inline)) float exp_poly(float t) {
	t = t < -87.f ? -87.f : (t > 88.f ? 88.f : t);
	float n = t * 1.44269504088896341f + 12582912.f;
	n -= 12582912.f;
	float r = t - n * 0.693359375f - n * -2.12194440e-4f;
	float p = 1.f / 5040;
	p = p * r + 1.f / 720;
	p = p * r + 1.f / 120;
	p = p * r + 1.f / 24;
	p = p * r + 1.f / 6;
	p = p * r + 0.5f;
	p = p * r + 1.f;
	p = p * r + 1.f;
	int32_t bits = ((int32_t)n + 127) << 23;
	float s;
	memcpy(&s, &bits, 4);
	return p * s;
}

#define KERNELS(suffix, attr)                                                              \
attr static void sample_##suffix(const float *in, const float *bias, const uint32_t *u,  \
                                 float *dst, int rows, int cols) {                        \
	for (int r = 0; r < rows; r++) {                                                     \
		const float *x = in + (long)r * cols;                                            \
		const uint32_t *ur = u + (long)r * cols;                                         \
		float *d = dst + (long)r * cols;                                                 \
		for (int j = 0; j < cols; j++) {                                                 \
			float f = (float)(int32_t)(ur[j] >> 8) * 0x1p-24f;                           \
			d[j] = f * (1.f + exp_poly(-(x[j] + bias[j]))) < 1.f ? 1.f : 0.f;            \
		}                                                                                \
	}                                                                                    \
}                                                                                        \
attr static void sigmoid_##suffix(const float *in, const float *bias, float *out,        \
                                  int rows, int cols) {                                   \
	for (int r = 0; r < rows; r++) {                                                     \
		const float *x = in + (long)r * cols;                                            \
		float *o = out + (long)r * cols;                                                 \
		for (int j = 0; j < cols; j++) o[j] = 1.f / (1.f + exp_poly(-(x[j] + bias[j])));  \
	}                                                                                    \
}

KERNELS(base, )
#if defined(__x86_64__)
KERNELS(avx2, __attribute__((target("avx2,fma"))))
static int has_avx2(void) { __builtin_cpu_init(); return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#else
static int has_avx2(void) { return 0; }
#define sample_avx2 sample_base
#define sigmoid_avx2 sigmoid_base
#endif

static int use_avx2 = 0;

static void bz_init(void) { use_avx2 = has_avx2(); }

static void bz_sample_sigmoid(const float *in, const float *bias, const uint32_t *u, float *dst, int rows, int cols) {
	if (use_avx2) sample_avx2(in, bias, u, dst, rows, cols); else sample_base(in, bias, u, dst, rows, cols);
}

static void bz_sigmoid_bias(const float *in, const float *bias, float *out, int rows, int cols) {
	if (use_avx2) sigmoid_avx2(in, bias, out, rows, cols); else sigmoid_base(in, bias, out, rows, cols);
}
*/
import "C"

import "unsafe"

func init() { C.bz_init() }

func sampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	C.bz_sample_sigmoid((*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&bias[0])),
		(*C.uint32_t)(unsafe.Pointer(&u[0])), (*C.float)(unsafe.Pointer(&dst[0])), C.int(rows), C.int(cols))
}

func sigmoidBias32(in, bias, out []float32, rows, cols int) {
	C.bz_sigmoid_bias((*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&bias[0])),
		(*C.float)(unsafe.Pointer(&out[0])), C.int(rows), C.int(cols))
}
