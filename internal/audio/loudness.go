package audio

import (
	"math"
)

// TargetLUFS is the integrated loudness podcast apps expect (Apple and
// Spotify ask for about -16 LUFS for spoken word).
const TargetLUFS = -16.0

// kneeStart is where the limiter starts to bend peaks (-6 dBFS); it keeps
// every peak below full scale (tanh never reaches 1) while leaving the
// body of the speech linear.
var kneeStart = math.Pow(10, -6.0/20)

// Loudness measures the integrated loudness of p in LUFS as EBU R128 /
// ITU-R BS.1770 define it: K-weighting, 400 ms blocks overlapping by 75 %,
// an absolute gate at -70 LUFS and a relative gate 10 LU below. It returns
// -inf for silence.
//
// It is measured here rather than with ffmpeg's loudnorm filter because
// loudnorm resamples to 192 kHz and cost 7 s of CPU on a 1,200-word article,
// more than espeak-ng's whole budget; the gain it leads to is the same
// linear gain loudnorm's linear mode applies. A test checks the result
// with ffmpeg's own ebur128 meter.
func Loudness(p PCM) float64 {
	if p.Rate <= 0 || len(p.Samples) == 0 {
		return math.Inf(-1)
	}
	fs := float64(p.Rate)
	// The two biquads of the K-weighting, for any sample rate (the
	// formulas of libebur128).
	f0, g, q := 1681.974450955533, 3.999843853973347, 0.7071752369554196
	k := math.Tan(math.Pi * f0 / fs)
	vh := math.Pow(10, g/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/q + k*k
	b1 := [3]float64{(vh + vb*k/q + k*k) / a0, 2 * (k*k - vh) / a0, (vh - vb*k/q + k*k) / a0}
	a1 := [3]float64{1, 2 * (k*k - 1) / a0, (1 - k/q + k*k) / a0}
	f0, q = 38.13547087602444, 0.5003270373238773
	k = math.Tan(math.Pi * f0 / fs)
	b2 := [3]float64{1, -2, 1}
	a2 := [3]float64{1, 2 * (k*k - 1) / (1 + k/q + k*k), (1 - k/q + k*k) / (1 + k/q + k*k)}

	sq := make([]float64, len(p.Samples))
	var x1, x2, y1, y2, z1, z2, w1, w2 float64
	for i, s := range p.Samples {
		x := float64(s) / 32768
		y := b1[0]*x + b1[1]*x1 + b1[2]*x2 - a1[1]*y1 - a1[2]*y2
		x2, x1, y2, y1 = x1, x, y1, y
		z := b2[0]*y + b2[1]*z1 + b2[2]*z2 - a2[1]*w1 - a2[2]*w2
		z2, z1, w2, w1 = z1, y, w1, z
		sq[i] = z * z
	}
	block, step := int(0.4*fs), int(0.1*fs)
	if len(sq) < block { // shorter than one block: measure what there is
		block = len(sq)
	}
	var blocks []float64
	for start := 0; start+block <= len(sq); start += max(step, 1) {
		sum := 0.0
		for _, v := range sq[start : start+block] {
			sum += v
		}
		blocks = append(blocks, sum/float64(block))
		if block == len(sq) {
			break
		}
	}
	lufs := func(ms float64) float64 { return -0.691 + 10*math.Log10(ms) }
	gated := func(threshold float64) (float64, int) {
		sum, n := 0.0, 0
		for _, ms := range blocks {
			if lufs(ms) > threshold {
				sum += ms
				n++
			}
		}
		return sum, n
	}
	sum, n := gated(-70)
	if n == 0 {
		return math.Inf(-1)
	}
	sum, n = gated(lufs(sum/float64(n)) - 10)
	if n == 0 {
		return math.Inf(-1)
	}
	return lufs(sum / float64(n))
}

// Normalize scales p to TargetLUFS. The few peaks the gain would push
// past -6 dBFS are bent softly below full scale instead of clipping (a
// speech signal is rarely more than 15 dB above its loudness). Silence is
// left alone.
func Normalize(p PCM) PCM {
	l := Loudness(p)
	if math.IsInf(l, -1) {
		return p
	}
	gain := math.Pow(10, (TargetLUFS-l)/20)
	out := PCM{Rate: p.Rate, Samples: make([]int16, len(p.Samples))}
	for i, s := range p.Samples {
		x := float64(s) / 32768 * gain
		if a := math.Abs(x); a > kneeStart {
			a = kneeStart + (1-kneeStart)*math.Tanh((a-kneeStart)/(1-kneeStart))
			x = math.Copysign(a, x)
		}
		out.Samples[i] = int16(math.Max(-32768, math.Min(32767, math.Round(x*32767))))
	}
	return out
}
