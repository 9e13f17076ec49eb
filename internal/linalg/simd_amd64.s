//go:build (!openblas || !cgo) && amd64

#include "textflag.h"

// GATHERED_ROW sets AX to the address of column BX (bytes) of the row
// idx[SI] of b: b (R13) + idx[SI] (R11) · ldb (R14, bytes) + BX.
#define GATHERED_ROW MOVLQSX (R11)(SI*4), AX; IMULQ R14, AX; ADDQ R13, AX; ADDQ BX, AX

// func kern4x16(k int, a *float32, rs, cs int, b *float32, c *float32)
//
// c[r*16+j] = Σ_l a[r*rs + l*cs] · b[l*16+j] for r < 4, j < 16, l < k, the
// sum taken in the order of l with one fused multiply-add per term. b is a
// packed panel (k rows of 16), c a 4×16 tile; rs and cs are in elements.
TEXT ·kern4x16(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rs+16(FP), R8
	MOVQ cs+24(FP), R9
	MOVQ b+32(FP), DI
	MOVQ c+40(FP), DX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R8)(R8*2), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JE    store4

loop4:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (SI)(R8*1), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (SI)(R8*2), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (SI)(R10*1), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         R9, SI
	ADDQ         $64, DI
	DECQ         CX
	JNE          loop4

store4:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VZEROUPPER
	RET

// func kern1x16(k int, a *float32, cs int, b *float32, c *float32)
//
// kern4x16 for one row: c[j] = Σ_l a[l*cs] · b[l*16+j].
TEXT ·kern1x16(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ cs+16(FP), R9
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	TESTQ CX, CX
	JE    store1

loop1:
	VBROADCASTSS (SI), Y10
	VFMADD231PS  (DI), Y10, Y0
	VFMADD231PS  32(DI), Y10, Y1
	ADDQ         R9, SI
	ADDQ         $64, DI
	DECQ         CX
	JNE          loop1

store1:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VZEROUPPER
	RET

// func gatherRow32(nnz int, idx *int32, val *float32, b *float32, ldb, n int, out *float32)
//
// out[j] = Σ_k val[k] · b[idx[k]*ldb + j] for j < n, k < nnz, the sum taken
// in the order of k with one fused multiply-add per term (for val[k] = 1
// exactly the running sum of the gathered rows). ldb is in elements.
// Columns go in chunks of 64 (eight accumulators), then of 8, then one by
// one.
TEXT ·gatherRow32(SB), NOSPLIT, $0-56
	MOVQ idx+8(FP), R11
	MOVQ val+16(FP), R12
	MOVQ b+24(FP), R13
	MOVQ ldb+32(FP), R14
	MOVQ n+40(FP), R15
	MOVQ out+48(FP), DX
	SHLQ $2, R14           // ldb in bytes
	MOVQ R15, R10
	SHLQ $2, R10           // n in bytes
	XORQ BX, BX            // column offset in bytes

chunk64:
	LEAQ 256(BX), AX
	CMPQ AX, R10
	JGT  chunk8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ nnz+0(FP), CX
	XORQ SI, SI
	TESTQ CX, CX
	JE   put64

acc64:
	GATHERED_ROW
	VBROADCASTSS (R12)(SI*4), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	INCQ         SI
	CMPQ         SI, CX
	JLT          acc64

put64:
	VMOVUPS Y0, (DX)(BX*1)
	VMOVUPS Y1, 32(DX)(BX*1)
	VMOVUPS Y2, 64(DX)(BX*1)
	VMOVUPS Y3, 96(DX)(BX*1)
	VMOVUPS Y4, 128(DX)(BX*1)
	VMOVUPS Y5, 160(DX)(BX*1)
	VMOVUPS Y6, 192(DX)(BX*1)
	VMOVUPS Y7, 224(DX)(BX*1)
	ADDQ    $256, BX
	JMP     chunk64

chunk8:
	LEAQ 32(BX), AX
	CMPQ AX, R10
	JGT  tail
	VXORPS Y0, Y0, Y0
	MOVQ nnz+0(FP), CX
	XORQ SI, SI
	TESTQ CX, CX
	JE   put8

acc8:
	GATHERED_ROW
	VBROADCASTSS (R12)(SI*4), Y8
	VFMADD231PS  (AX), Y8, Y0
	INCQ         SI
	CMPQ         SI, CX
	JLT          acc8

put8:
	VMOVUPS Y0, (DX)(BX*1)
	ADDQ    $32, BX
	JMP     chunk8

tail:
	CMPQ BX, R10
	JGE  done
	VXORPS X0, X0, X0
	MOVQ nnz+0(FP), CX
	XORQ SI, SI
	TESTQ CX, CX
	JE   put1

acc1:
	GATHERED_ROW
	VMOVSS      (R12)(SI*4), X8
	VFMADD231SS (AX), X8, X0
	INCQ        SI
	CMPQ        SI, CX
	JLT         acc1

put1:
	VMOVSS X0, (DX)(BX*1)
	ADDQ   $4, BX
	JMP    tail

done:
	VZEROUPPER
	RET
