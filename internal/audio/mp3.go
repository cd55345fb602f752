package audio

import (
	"encoding/binary"
	"fmt"
	"time"
)

// mp3Frame is what a Layer III frame header says.
type mp3Frame struct {
	header   [4]byte
	size     int // bytes, header included
	rate     int // Hz
	samples  int // per frame: 1152 (MPEG-1) or 576
	kbps     int
	mpeg1    bool
	mono     bool
	fileSlot int // bytes per kbps per Hz: 144 (MPEG-1) or 72
}

// mp3Frames calls fn for each frame of bare MP3 (Layer III, as Encoder
// makes it: no ID3 tag, one sample rate), with its offset. Anything else
// is an error.
func mp3Frames(b []byte, fn func(at int, f mp3Frame)) error {
	rate := 0
	for i := 0; i < len(b); {
		if len(b)-i < 4 || b[i] != 0xff || b[i+1]&0xe0 != 0xe0 {
			return fmt.Errorf("mp3: no frame at byte %d of %d", i, len(b))
		}
		version, layer := b[i+1]>>3&3, b[i+1]>>1&3
		bitrate, sr, padding := int(b[i+2]>>4), int(b[i+2]>>2&3), int(b[i+2]>>1&1)
		if version == 1 || layer != 1 || bitrate == 0 || bitrate == 15 || sr == 3 {
			return fmt.Errorf("mp3: byte %d is not a Layer III frame header", i)
		}
		f := mp3Frame{rate: [3]int{44100, 48000, 32000}[sr], mpeg1: version == 3, mono: b[i+3]>>6 == 3,
			kbps: [15]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}[bitrate], samples: 1152, fileSlot: 144}
		copy(f.header[:], b[i:i+4])
		if !f.mpeg1 { // MPEG-2 and 2.5: half the samples, other rates
			f.rate /= 2
			if version == 0 {
				f.rate /= 2
			}
			f.kbps = [15]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}[bitrate]
			f.samples, f.fileSlot = 576, 72
		}
		if rate != 0 && f.rate != rate {
			return fmt.Errorf("mp3: the rate changes at byte %d", i)
		}
		f.size = f.fileSlot*f.kbps*1000/f.rate + padding
		if i+f.size > len(b) {
			return fmt.Errorf("mp3: the frame at byte %d is cut short", i)
		}
		rate = f.rate
		fn(i, f)
		i += f.size
	}
	if rate == 0 {
		return fmt.Errorf("mp3: no frames")
	}
	return nil
}

// MP3Duration is how long bare MP3 frames play (Layer III, as Encoder
// makes them), counted frame by frame. A segment's MP3 runs longer than
// the speech it encodes (the encoder's delay, and the last frame filled
// up), so the start of each paragraph in a joined narration is the sum of
// its predecessors' frames, not of their speech. Counting the frames here
// costs microseconds, where asking ffprobe would start a process per
// segment; the frame header is all it reads.
func MP3Duration(b []byte) (time.Duration, error) {
	var samples, rate int64
	err := mp3Frames(b, func(_ int, f mp3Frame) {
		samples += int64(f.samples)
		rate = int64(f.rate)
	})
	if err != nil {
		return 0, err
	}
	return time.Duration(samples * int64(time.Second) / rate), nil
}

// JoinMP3 joins segments of bare MP3 frames of one format into one file,
// in front of which it writes the header frame (Xing, or "Info" when every
// frame has the same bitrate) that tells players the file's length and
// lets them seek at once: what ffmpeg's concat demuxer with stream copy
// wrote, without starting a process. The frames themselves are copied as
// they are.
func JoinMP3(segments [][]byte) ([]byte, error) {
	if len(segments) == 0 {
		return nil, fmt.Errorf("mp3: no segments to join")
	}
	var first mp3Frame
	var frames []int // where each frame starts in the joined frames
	cbr, total := true, 0
	for i, s := range segments {
		err := mp3Frames(s, func(at int, f mp3Frame) {
			if len(frames) == 0 {
				first = f
			}
			cbr = cbr && f.kbps == first.kbps
			frames = append(frames, total+at)
		})
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
		if h := s[:4]; h[1] != first.header[1] || h[2]&0x0c != first.header[2]&0x0c || h[3]>>6 != first.header[3]>>6 {
			return nil, fmt.Errorf("mp3: segment %d is of another MPEG version, rate or channel mode", i)
		}
		total += len(s)
	}

	// The header frame: the first frame's header without padding, its
	// side information left zero (silence to a decoder that does not know
	// the tag), then the tag.
	side := 17
	switch {
	case first.mpeg1 && !first.mono:
		side = 32
	case !first.mpeg1 && first.mono:
		side = 9
	}
	size := first.fileSlot * first.kbps * 1000 / first.rate
	tag := 4 + side
	if tag+4+4+4+4+100 > size {
		return nil, fmt.Errorf("mp3: a %d kbps frame is too small for the Xing header", first.kbps)
	}
	out := make([]byte, size, size+total)
	copy(out, first.header[:])
	out[2] &^= 0x02 // no padding
	name := "Xing"
	if cbr {
		name = "Info"
	}
	copy(out[tag:], name)
	binary.BigEndian.PutUint32(out[tag+4:], 0x7) // frames, bytes and TOC present
	binary.BigEndian.PutUint32(out[tag+8:], uint32(len(frames)))
	binary.BigEndian.PutUint32(out[tag+12:], uint32(size+total))
	// TOC: for each percent of the playing time, where in the file it is,
	// in 256ths of the file.
	for i := range 100 {
		at := size + frames[i*len(frames)/100]
		out[tag+16+i] = byte(at * 256 / (size + total))
	}
	for _, s := range segments {
		out = append(out, s...)
	}
	return out, nil
}
