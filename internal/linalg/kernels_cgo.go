//go:build openblas && cgo

package linalg

/*
#cgo CFLAGS: -O3
#cgo LDFLAGS: -lm
// Without trapping math gcc may if-convert the clamps and vectorize.
#pragma GCC optimize ("O3", "no-trapping-math")
#include <stdint.h>
#include <string.h>
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// log(1 + e) for e in [0, 1], as log1pUnit32 in classes.go: with s = e/(2+e)
// in [0, 1/3], log1p(e) = 2 atanh(s) = 2s(1 + s²/3 + s⁴/5 + ... + s¹⁴/15).
static inline __attribute__((always_inline)) float log1p_unit(float e) {
	float s = e / (2.f + e), z = s * s;
	float p = 1.f / 15;
	p = p * z + 1.f / 13;
	p = p * z + 1.f / 11;
	p = p * z + 1.f / 9;
	p = p * z + 1.f / 7;
	p = p * z + 1.f / 5;
	p = p * z + 1.f / 3;
	p = p * z + 1.f;
	return 2.f * s * p;
}

// The class terms of a labeled RBM (see ClassSoftplus32 in classes.go): for
// each class c, o_j = u_j + bias_j + wc_{c,j}; sp[c] = Σ_j softplus(o_j)
// and, with sig, sig_{c,j} = σ(o_j). tmp holds nh floats. The sums run in
// 16 float lanes, added in double at the end.
#define CLASS_KERNELS(suffix, attr)                                                          \
attr static void classes_##suffix(const float *u, const float *bias, const float *wc,       \
                                  int nc, int nh, double *sp, float *sig, float *tmp) {      \
	for (int c = 0; c < nc; c++) {                                                          \
		const float *w = wc + (long)c * nh;                                                 \
		if (sig) {                                                                          \
			float *sg = sig + (long)c * nh;                                                 \
			for (int j = 0; j < nh; j++) {                                                  \
				float o = u[j] + bias[j] + w[j];                                            \
				float a = o < 0.f ? -o : o;                                                 \
				float e = exp_poly(-a);                                                     \
				tmp[j] = (o > 0.f ? o : 0.f) + log1p_unit(e);                               \
				sg[j] = (o > 0.f ? 1.f : e) / (1.f + e);                                    \
			}                                                                               \
		} else {                                                                            \
			for (int j = 0; j < nh; j++) {                                                  \
				float o = u[j] + bias[j] + w[j];                                            \
				float a = o < 0.f ? -o : o;                                                 \
				tmp[j] = (o > 0.f ? o : 0.f) + log1p_unit(exp_poly(-a));                    \
			}                                                                               \
		}                                                                                   \
		float acc[16] = {0};                                                                \
		int j = 0;                                                                          \
		for (; j + 16 <= nh; j += 16)                                                       \
			for (int t = 0; t < 16; t++) acc[t] += tmp[j + t];                              \
		double s = 0;                                                                       \
		for (; j < nh; j++) s += tmp[j];                                                    \
		for (int t = 0; t < 16; t++) s += acc[t];                                           \
		sp[c] = s;                                                                          \
	}                                                                                       \
}                                                                                           \
attr static void combine_##suffix(const float *sig, const float *d, int nc, int nh,         \
                                  float *g, float *acw) {                                    \
	for (int j = 0; j < nh; j++) g[j] = 0.f;                                                \
	for (int c = 0; c < nc; c++) {                                                          \
		const float *s = sig + (long)c * nh;                                                \
		float *a = acw + (long)c * nh;                                                      \
		float dc = d[c];                                                                    \
		if (dc == 0.f) continue;                                                            \
		for (int j = 0; j < nh; j++) {                                                      \
			float v = dc * s[j];                                                            \
			g[j] += v;                                                                      \
			a[j] += v;                                                                      \
		}                                                                                   \
	}                                                                                       \
}

CLASS_KERNELS(base, )

// Sparse rows times a dense matrix (see Sparse32.Mul): out row r is the sum
// over the nonzeros k of row r of val[k] times row idx[k] of b.
static void spmul_base(const int32_t *ptr, int rows, const int32_t *idx, const float *val,
                       const float *b, long ldb, int n, float *out, long ldo) {
	for (int r = 0; r < rows; r++) {
		float *o = out + (long)r * ldo;
		memset(o, 0, sizeof(float) * n);
		for (int k = ptr[r]; k < ptr[r + 1]; k++) {
			const float *bk = b + (long)idx[k] * ldb;
			float v = val[k];
			for (int j = 0; j < n; j++) o[j] += v * bk[j];
		}
	}
}

#if defined(__x86_64__)
KERNELS(avx2, __attribute__((target("avx2,fma"))))
CLASS_KERNELS(avx2, __attribute__((target("avx2,fma"))))
CLASS_KERNELS(avx512, __attribute__((target("avx512f,avx2,fma"))))

// The AVX2 version keeps a tile of 64 output columns in eight registers
// while it runs over a row's nonzeros, so each nonzero costs eight loads
// and eight FMAs. Tiles are the outer loop: the 64-column strip of b that
// all rows read (256 bytes a row of b) stays in the core's cache.
__attribute__((target("avx2,fma")))
static void spmul_avx2(const int32_t *ptr, int rows, const int32_t *idx, const float *val,
                       const float *b, long ldb, int n, float *out, long ldo) {
	int j = 0;
	for (; j + 64 <= n; j += 64) {
		for (int r = 0; r < rows; r++) {
			__m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
			for (int k = ptr[r]; k < ptr[r + 1]; k++) {
				const float *bk = b + (long)idx[k] * ldb + j;
				__m256 v = _mm256_broadcast_ss(val + k);
				a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk), a0);
				a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 8), a1);
				a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 16), a2);
				a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 24), a3);
				a4 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 32), a4);
				a5 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 40), a5);
				a6 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 48), a6);
				a7 = _mm256_fmadd_ps(v, _mm256_loadu_ps(bk + 56), a7);
			}
			float *o = out + (long)r * ldo + j;
			_mm256_storeu_ps(o, a0);
			_mm256_storeu_ps(o + 8, a1);
			_mm256_storeu_ps(o + 16, a2);
			_mm256_storeu_ps(o + 24, a3);
			_mm256_storeu_ps(o + 32, a4);
			_mm256_storeu_ps(o + 40, a5);
			_mm256_storeu_ps(o + 48, a6);
			_mm256_storeu_ps(o + 56, a7);
		}
	}
	for (int r = 0; r < rows; r++) {
		int k0 = ptr[r], k1 = ptr[r + 1];
		float *o = out + (long)r * ldo;
		int jj = j;
		for (; jj + 8 <= n; jj += 8) {
			__m256 a0 = _mm256_setzero_ps();
			for (int k = k0; k < k1; k++)
				a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + k), _mm256_loadu_ps(b + (long)idx[k] * ldb + jj), a0);
			_mm256_storeu_ps(o + jj, a0);
		}
		for (; jj < n; jj++) {
			float a = 0;
			for (int k = k0; k < k1; k++) a = fmaf(val[k], b[(long)idx[k] * ldb + jj], a);
			o[jj] = a;
		}
	}
}

// The AVX-512 version: tiles of 128 columns in eight registers, then 16
// columns at a time, and a masked tail; 13–16% faster than AVX2 for a
// 100×784 (13% ones) by 784×500 product on the development machine's AMD
// EPYC core (BenchmarkSparseMulLevels).
__attribute__((target("avx512f")))
static void spmul_avx512(const int32_t *ptr, int rows, const int32_t *idx, const float *val,
                         const float *b, long ldb, int n, float *out, long ldo) {
	int j = 0;
	for (; j + 128 <= n; j += 128) {
		for (int r = 0; r < rows; r++) {
			__m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
			for (int k = ptr[r]; k < ptr[r + 1]; k++) {
				const float *bk = b + (long)idx[k] * ldb + j;
				__m512 v = _mm512_set1_ps(val[k]);
				a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk), a0);
				a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 16), a1);
				a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 32), a2);
				a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 48), a3);
				a4 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 64), a4);
				a5 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 80), a5);
				a6 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 96), a6);
				a7 = _mm512_fmadd_ps(v, _mm512_loadu_ps(bk + 112), a7);
			}
			float *o = out + (long)r * ldo + j;
			_mm512_storeu_ps(o, a0);
			_mm512_storeu_ps(o + 16, a1);
			_mm512_storeu_ps(o + 32, a2);
			_mm512_storeu_ps(o + 48, a3);
			_mm512_storeu_ps(o + 64, a4);
			_mm512_storeu_ps(o + 80, a5);
			_mm512_storeu_ps(o + 96, a6);
			_mm512_storeu_ps(o + 112, a7);
		}
	}
	for (; j < n; j += 16) {
		__mmask16 m = n - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - j)) - 1);
		for (int r = 0; r < rows; r++) {
			__m512 a0 = _mm512_setzero_ps();
			for (int k = ptr[r]; k < ptr[r + 1]; k++)
				a0 = _mm512_fmadd_ps(_mm512_set1_ps(val[k]), _mm512_maskz_loadu_ps(m, b + (long)idx[k] * ldb + j), a0);
			_mm512_mask_storeu_ps(out + (long)r * ldo + j, m, a0);
		}
	}
}

// Compresses one row of n floats into the column indices and values of
// its nonzeros (±0 dropped) and returns their number: eight at a time,
// a comparison mask per block and one step per set bit.
__attribute__((target("avx2,fma")))
static int compress_avx2(const float *x, int n, int32_t *idx, float *val) {
	const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
	const __m256 zero = _mm256_setzero_ps();
	int c = 0, j = 0;
	for (; j + 8 <= n; j += 8) {
		__m256 v = _mm256_and_ps(_mm256_loadu_ps(x + j), absmask);
		unsigned m = ~(unsigned)_mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_EQ_OQ)) & 0xffu;
		while (m) {
			int t = __builtin_ctz(m);
			idx[c] = j + t;
			val[c] = x[j + t];
			c++;
			m &= m - 1;
		}
	}
	for (; j < n; j++) {
		if (x[j] != 0.f) {
			idx[c] = j;
			val[c] = x[j];
			c++;
		}
	}
	return c;
}

static int has_avx2(void) { __builtin_cpu_init(); return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
static int has_avx512(void) { __builtin_cpu_init(); return __builtin_cpu_supports("avx512f"); }
#else
static int has_avx512(void) { return 0; }
#define spmul_avx512 spmul_base
static int has_avx2(void) { return 0; }
#define sample_avx2 sample_base
#define sigmoid_avx2 sigmoid_base
#define spmul_avx2 spmul_base
#define classes_avx2 classes_base
#define classes_avx512 classes_base
#define combine_avx2 combine_base
#define combine_avx512 combine_base
#endif

static int use_avx2 = 0;

static int use_avx512 = 0;

static void bz_init(void) { use_avx2 = has_avx2(); use_avx512 = has_avx512(); }

// Limits the instruction sets used (0: base C, 1: AVX2, 2: AVX-512) to
// what the CPU has; for tests of every variant.
static void bz_set_level(int level) {
	use_avx2 = level >= 1 && has_avx2();
	use_avx512 = level >= 2 && has_avx512();
}

static int bz_level(void) { return use_avx512 ? 2 : (use_avx2 ? 1 : 0); }

static void bz_sample_sigmoid(const float *in, const float *bias, const uint32_t *u, float *dst, int rows, int cols) {
	if (use_avx2) sample_avx2(in, bias, u, dst, rows, cols); else sample_base(in, bias, u, dst, rows, cols);
}

static void bz_sigmoid_bias(const float *in, const float *bias, float *out, int rows, int cols) {
	if (use_avx2) sigmoid_avx2(in, bias, out, rows, cols); else sigmoid_base(in, bias, out, rows, cols);
}

// Compresses rows×cols row-major x: row r's nonzeros go to idx and val
// from ptr[r], and ptr[r+1] is set. Returns -1 (and writes nothing) when
// the vector loop is not available; the caller falls back to Go.
static long bz_compress_rows(const float *x, int rows, int cols, int32_t *ptr, int32_t *idx, float *val) {
#if defined(__x86_64__)
	if (!use_avx2) return -1;
	long k = ptr[0];
	for (int r = 0; r < rows; r++) {
		k += compress_avx2(x + (long)r * cols, cols, idx + k, val + k);
		ptr[r + 1] = (int32_t)k;
	}
	return k;
#else
	return -1;
#endif
}

static void bz_classes(const float *u, const float *bias, const float *wc, int nc, int nh,
                       double *sp, float *sig, float *tmp) {
	if (use_avx512) classes_avx512(u, bias, wc, nc, nh, sp, sig, tmp);
	else if (use_avx2) classes_avx2(u, bias, wc, nc, nh, sp, sig, tmp);
	else classes_base(u, bias, wc, nc, nh, sp, sig, tmp);
}

static void bz_combine(const float *sig, const float *d, int nc, int nh, float *g, float *acw) {
	if (use_avx512) combine_avx512(sig, d, nc, nh, g, acw);
	else if (use_avx2) combine_avx2(sig, d, nc, nh, g, acw);
	else combine_base(sig, d, nc, nh, g, acw);
}

static void bz_sparse_mul(const int32_t *ptr, int rows, const int32_t *idx, const float *val,
                          const float *b, long ldb, int n, float *out, long ldo) {
	if (use_avx512) spmul_avx512(ptr, rows, idx, val, b, ldb, n, out, ldo);
	else if (use_avx2) spmul_avx2(ptr, rows, idx, val, b, ldb, n, out, ldo);
	else spmul_base(ptr, rows, idx, val, b, ldb, n, out, ldo);
}
*/
import "C"

import "unsafe"

func init() { C.bz_init() }

// kernelLevels lists the instruction-set levels of the C kernels that this
// CPU can run, and setKernelLevel selects one, returning a function that
// restores the previous one (tests only: not safe during other calls).
func kernelLevels() []int {
	cur := int(C.bz_level())
	defer C.bz_set_level(C.int(cur))
	var ls []int
	for l := range 3 {
		C.bz_set_level(C.int(l))
		if int(C.bz_level()) == l {
			ls = append(ls, l)
		}
	}
	return ls
}

func setKernelLevel(l int) (restore func()) {
	cur := C.bz_level()
	C.bz_set_level(C.int(l))
	return func() { C.bz_set_level(cur) }
}

func sampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	C.bz_sample_sigmoid((*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&bias[0])),
		(*C.uint32_t)(unsafe.Pointer(&u[0])), (*C.float)(unsafe.Pointer(&dst[0])), C.int(rows), C.int(cols))
}

func sigmoidBias32(in, bias, out []float32, rows, cols int) {
	C.bz_sigmoid_bias((*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&bias[0])),
		(*C.float)(unsafe.Pointer(&out[0])), C.int(rows), C.int(cols))
}

// sparseMul32 runs the register-tiled C loop; idx and val may be empty
// (rows without nonzeros), so their first element is not taken then.
func sparseMul32(ptr, idx []int32, val, b []float32, ldb, n int, out []float32, ldo int) {
	var pi *C.int32_t
	var pv *C.float
	if len(idx) > 0 {
		pi, pv = (*C.int32_t)(unsafe.Pointer(&idx[0])), (*C.float)(unsafe.Pointer(&val[0]))
	}
	C.bz_sparse_mul((*C.int32_t)(unsafe.Pointer(&ptr[0])), C.int(len(ptr)-1), pi, pv,
		(*C.float)(unsafe.Pointer(&b[0])), C.long(ldb), C.int(n), (*C.float)(unsafe.Pointer(&out[0])), C.long(ldo))
}

// compressRows32 compresses the rows×cols matrix x into ptr (rows+1
// offsets, ptr[0] = 0), idx and val (room for rows·cols entries) and
// returns the number of nonzeros, or -1 where no vector loop exists for
// this CPU.
func compressRows32(x []float32, rows, cols int, ptr, idx []int32, val []float32) int {
	if rows == 0 || cols == 0 {
		return -1
	}
	return int(C.bz_compress_rows((*C.float)(unsafe.Pointer(&x[0])), C.int(rows), C.int(cols),
		(*C.int32_t)(unsafe.Pointer(&ptr[0])), (*C.int32_t)(unsafe.Pointer(&idx[0])), (*C.float)(unsafe.Pointer(&val[0]))))
}

func classSoftplus32(u, bias, wc []float32, nc, nh int, sp []float64, sig, tmp []float32) {
	var ps *C.float
	if sig != nil {
		ps = (*C.float)(unsafe.Pointer(&sig[0]))
	}
	C.bz_classes((*C.float)(unsafe.Pointer(&u[0])), (*C.float)(unsafe.Pointer(&bias[0])), (*C.float)(unsafe.Pointer(&wc[0])),
		C.int(nc), C.int(nh), (*C.double)(unsafe.Pointer(&sp[0])), ps, (*C.float)(unsafe.Pointer(&tmp[0])))
}

func classCombine32(sig, d []float32, nc, nh int, g, acw []float32) {
	C.bz_combine((*C.float)(unsafe.Pointer(&sig[0])), (*C.float)(unsafe.Pointer(&d[0])), C.int(nc), C.int(nh),
		(*C.float)(unsafe.Pointer(&g[0])), (*C.float)(unsafe.Pointer(&acw[0])))
}
