package main

import "testing"

func TestConfigJSONIsAnObjectEvenWithoutSettings(t *testing.T) {
	for _, c := range []struct {
		in   map[string]string
		want string
	}{
		{nil, "{}"},
		{map[string]string{}, "{}"},
		{map[string]string{"faf:environment": "local"}, `{"faf:environment":"local"}`},
	} {
		got, err := configJSON(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("configJSON(%v) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
}
