package parallel

import (
	"context"
	"errors"
	"testing"
)

func TestMap(t *testing.T) {
	t.Parallel()
	got, err := Map(context.Background(), 100, func(i int) (int, error) { return i * i, nil })
	if err != nil || len(got) != 100 || got[7] != 49 || got[99] != 9801 {
		t.Fatalf("Map = %v, %v: results out of order or missing", got[:10], err)
	}
	bad := errors.New("item 3 failed")
	if _, err := Map(context.Background(), 10, func(i int) (int, error) {
		if i == 3 {
			return 0, bad
		}
		return i, nil
	}); !errors.Is(err, bad) {
		t.Errorf("an item's error is lost: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Map(ctx, 10, func(i int) (int, error) { return i, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled context: %v", err)
	}
}
