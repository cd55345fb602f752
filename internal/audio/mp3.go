package audio

import (
	"fmt"
	"time"
)

// MP3Duration is how long bare MP3 frames play (Layer III, as Encoder
// makes them), counted frame by frame. A segment's MP3 runs longer than
// the speech it encodes (the encoder's delay, and the last frame filled
// up), so the start of each paragraph in a joined narration is the sum of
// its predecessors' frames, not of their speech. Counting the frames here
// costs microseconds, where asking ffprobe would start a process per
// segment; the frame header is all it reads.
func MP3Duration(b []byte) (time.Duration, error) {
	var samples, rate int64
	for i := 0; i < len(b); {
		if len(b)-i < 4 || b[i] != 0xff || b[i+1]&0xe0 != 0xe0 {
			return 0, fmt.Errorf("mp3: no frame at byte %d of %d", i, len(b))
		}
		version, layer := b[i+1]>>3&3, b[i+1]>>1&3
		bitrate, sr, padding := int(b[i+2]>>4), int(b[i+2]>>2&3), int(b[i+2]>>1&1)
		if version == 1 || layer != 1 || bitrate == 0 || bitrate == 15 || sr == 3 {
			return 0, fmt.Errorf("mp3: byte %d is not a Layer III frame header", i)
		}
		hz := [3]int{44100, 48000, 32000}[sr]
		kbps := [15]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}[bitrate]
		perFrame, slot := 1152, 144
		if version != 3 { // MPEG-2 and 2.5: half the samples, other rates
			hz /= 2
			if version == 0 {
				hz /= 2
			}
			kbps = [15]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}[bitrate]
			perFrame, slot = 576, 72
		}
		if rate != 0 && int64(hz) != rate {
			return 0, fmt.Errorf("mp3: the rate changes at byte %d", i)
		}
		size := slot*kbps*1000/hz + padding
		if i+size > len(b) {
			return 0, fmt.Errorf("mp3: the frame at byte %d is cut short", i)
		}
		rate = int64(hz)
		samples += int64(perFrame)
		i += size
	}
	if rate == 0 {
		return 0, fmt.Errorf("mp3: no frames")
	}
	return time.Duration(samples * int64(time.Second) / rate), nil
}
