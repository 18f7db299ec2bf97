package password

import "testing"

func BenchmarkHashDefault(b *testing.B) {
	h := newHasher(b, DefaultParams())
	b.ReportAllocs()
	for b.Loop() {
		h.Hash("Correct-Horse-9")
	}
}

func BenchmarkVerifyDefault(b *testing.B) {
	h := newHasher(b, DefaultParams())
	enc := h.Hash("Correct-Horse-9")
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := h.Verify(enc, "Correct-Horse-9"); !ok {
			b.Fatal("verify failed")
		}
	}
}

// BenchmarkDummyDefault must match BenchmarkVerifyDefault: it is what an
// unknown user costs under PreventUserExistenceErrors.
func BenchmarkDummyDefault(b *testing.B) {
	h := newHasher(b, DefaultParams())
	b.ReportAllocs()
	for b.Loop() {
		h.Dummy("Correct-Horse-9")
	}
}

func BenchmarkVerifyFast(b *testing.B) {
	h := newHasher(b, FastParams())
	enc := h.Hash("Correct-Horse-9")
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := h.Verify(enc, "Correct-Horse-9"); !ok {
			b.Fatal("verify failed")
		}
	}
}
