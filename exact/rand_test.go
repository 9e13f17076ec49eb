package exact_test

import "math/rand/v2"

func testRand() *rand.Rand { return rand.New(rand.NewPCG(42, 42)) }
