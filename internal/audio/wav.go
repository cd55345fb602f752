package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ParseWAV reads a RIFF WAVE of 16-bit PCM, mixing channels down to mono.
// A data chunk whose size is wrong (espeak-ng writes 0x7fffffff when it
// streams to stdout) runs to the end of the file.
func ParseWAV(b []byte) (PCM, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return PCM{}, errors.New("not a WAV file")
	}
	var rate, channels, bits int
	pos := 12
	for pos+8 <= len(b) {
		id, size := string(b[pos:pos+4]), int(binary.LittleEndian.Uint32(b[pos+4:pos+8]))
		body := pos + 8
		switch id {
		case "fmt ":
			if size < 16 || body+16 > len(b) {
				return PCM{}, errors.New("WAV: short format chunk")
			}
			if f := binary.LittleEndian.Uint16(b[body:]); f != 1 && f != 0xfffe {
				return PCM{}, fmt.Errorf("WAV: format %d is not PCM", f)
			}
			channels = int(binary.LittleEndian.Uint16(b[body+2:]))
			rate = int(binary.LittleEndian.Uint32(b[body+4:]))
			bits = int(binary.LittleEndian.Uint16(b[body+14:]))
		case "data":
			if rate <= 0 || rate > 192000 || channels < 1 || channels > 8 || bits != 16 {
				return PCM{}, fmt.Errorf("WAV: unsupported %d Hz, %d channels, %d bits", rate, channels, bits)
			}
			end := body + size
			if size < 0 || end > len(b) {
				end = len(b)
			}
			data := b[body:end]
			frame := 2 * channels
			n := len(data) / frame
			out := PCM{Rate: rate, Samples: make([]int16, n)}
			for i := range n {
				sum := 0
				for c := range channels {
					sum += int(int16(binary.LittleEndian.Uint16(data[i*frame+2*c:])))
				}
				out.Samples[i] = int16(sum / channels)
			}
			return out, nil
		}
		pos = body + size + size%2
	}
	return PCM{}, errors.New("WAV: no data chunk")
}

// WAV writes p as a RIFF WAVE file.
func (p PCM) WAV() []byte {
	n := len(p.Samples) * 2
	b := make([]byte, 44+n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(p.Rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(p.Rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, s := range p.Samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return b
}

// Join puts pieces of the same rate one after another, with gap of silence
// between them. A piece at another rate is an error: engines speak at one
// rate.
func Join(pieces []PCM, gapMS int) (PCM, error) {
	if len(pieces) == 0 {
		return PCM{}, errors.New("nothing to join")
	}
	out := PCM{Rate: pieces[0].Rate}
	gap := make([]int16, out.Rate*gapMS/1000)
	for i, p := range pieces {
		if p.Rate != out.Rate {
			return PCM{}, fmt.Errorf("join: %d Hz after %d Hz", p.Rate, out.Rate)
		}
		if i > 0 {
			out.Samples = append(out.Samples, gap...)
		}
		out.Samples = append(out.Samples, p.Samples...)
	}
	return out, nil
}
