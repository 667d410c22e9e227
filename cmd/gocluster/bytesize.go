package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes that people may write as 1048576, 1024KiB or
// 1MiB. Only binary units are accepted, so "1MB" is not silently read as 10^6 or 2^20.
type byteSize int64

// byteUnits are the accepted suffixes, longest first so "KiB" is tried before "B".
func byteUnits() []struct {
	suffix string
	mult   int64
} {
	return []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
}

func (b *byteSize) String() string {
	v := int64(*b)
	for _, u := range byteUnits() {
		if v >= u.mult && v%u.mult == 0 {
			return strconv.FormatInt(v/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(v, 10)
}

// Set parses a number of bytes with an optional binary unit.
func (b *byteSize) Set(s string) error {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range byteUnits() {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return errors.New("want a number of bytes, optionally with KiB, MiB or GiB (e.g. 1MiB)")
	}
	if n > (1<<62)/mult {
		return fmt.Errorf("%s is too large", s)
	}
	*b = byteSize(n * mult)
	return nil
}
