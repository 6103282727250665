package main

import (
	"errors"
	"fmt"
	"strings"

	presource "github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// commandArgs is a Command's inputs, secrets and defaults resolved.
type commandArgs struct {
	create, update, delete *string
	stdin                  string
	logging                string // stdout, stderr, stdoutAndStderr (default) or none
	environment            map[string]string
	addPreviousOutputInEnv bool // default true
	// remote
	connection *connection
	// local
	interpreter []string
	dir         *string
}

type connection struct {
	host, user                               string
	port                                     int
	password, privateKey, privateKeyPassword *string
	agentSocketPath, hostKey                 *string
	dialErrorLimit, perDialTimeout           int
	proxy                                    *connection
}

type failure struct{ property, reason string }

func failuresError(failures []failure) error {
	var msgs []string
	for _, f := range failures {
		msgs = append(msgs, fmt.Sprintf("%s: %s", f.property, f.reason))
	}
	return errors.New("invalid inputs: " + strings.Join(msgs, "; "))
}

// decoder reads typed values out of a property map, collecting a failure per bad value. Unknown
// values (a preview) read as absent and are not failures.
type decoder struct {
	failures []failure
}

func plain(v presource.PropertyValue) presource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func (d *decoder) fail(path, format string, args ...any) {
	d.failures = append(d.failures, failure{path, fmt.Sprintf(format, args...)})
}

func (d *decoder) value(m presource.PropertyMap, key, path string) (presource.PropertyValue, bool) {
	v, ok := m[presource.PropertyKey(key)]
	if !ok {
		return v, false
	}
	v = plain(v)
	if v.IsNull() || v.ContainsUnknowns() {
		return v, false
	}
	return v, true
}

func (d *decoder) str(m presource.PropertyMap, key, path string) *string {
	v, ok := d.value(m, key, path)
	if !ok {
		return nil
	}
	if !v.IsString() {
		d.fail(path, "expected a string, got %s", v.TypeString())
		return nil
	}
	s := v.StringValue()
	return &s
}

func (d *decoder) number(m presource.PropertyMap, key, path string, def int) int {
	v, ok := d.value(m, key, path)
	if !ok {
		return def
	}
	if !v.IsNumber() || v.NumberValue() != float64(int(v.NumberValue())) {
		d.fail(path, "expected an integer, got %v", v)
		return def
	}
	return int(v.NumberValue())
}

func (d *decoder) boolean(m presource.PropertyMap, key, path string, def bool) bool {
	v, ok := d.value(m, key, path)
	if !ok {
		return def
	}
	if !v.IsBool() {
		d.fail(path, "expected a boolean, got %s", v.TypeString())
		return def
	}
	return v.BoolValue()
}

func (d *decoder) strings(m presource.PropertyMap, key, path string) []string {
	v, ok := d.value(m, key, path)
	if !ok {
		return nil
	}
	if !v.IsArray() {
		d.fail(path, "expected a list of strings, got %s", v.TypeString())
		return nil
	}
	var out []string
	for i, e := range v.ArrayValue() {
		e = plain(e)
		if !e.IsString() {
			d.fail(fmt.Sprintf("%s[%d]", path, i), "expected a string, got %s", e.TypeString())
			continue
		}
		out = append(out, e.StringValue())
	}
	return out
}

func (d *decoder) stringMap(m presource.PropertyMap, key, path string) map[string]string {
	v, ok := d.value(m, key, path)
	if !ok {
		return nil
	}
	if !v.IsObject() {
		d.fail(path, "expected a map of strings, got %s", v.TypeString())
		return nil
	}
	out := map[string]string{}
	for k, e := range v.ObjectValue() {
		e = plain(e)
		if e.IsNull() {
			continue
		}
		if !e.IsString() {
			d.fail(path+"."+string(k), "expected a string, got %s", e.TypeString())
			continue
		}
		out[string(k)] = e.StringValue()
	}
	return out
}

func (d *decoder) connection(m presource.PropertyMap, key, path string, required bool) *connection {
	raw, present := m[presource.PropertyKey(key)]
	v, ok := d.value(m, key, path)
	if !ok {
		if required && (!present || plain(raw).IsNull()) {
			d.fail(path, "missing required property %q", key)
		}
		return nil
	}
	if !v.IsObject() {
		d.fail(path, "expected an object, got %s", v.TypeString())
		return nil
	}
	o := v.ObjectValue()
	c := &connection{
		user:               "root",
		password:           d.str(o, "password", path+".password"),
		privateKey:         d.str(o, "privateKey", path+".privateKey"),
		privateKeyPassword: d.str(o, "privateKeyPassword", path+".privateKeyPassword"),
		agentSocketPath:    d.str(o, "agentSocketPath", path+".agentSocketPath"),
		hostKey:            d.str(o, "hostKey", path+".hostKey"),
		port:               d.number(o, "port", path+".port", 22),
		dialErrorLimit:     d.number(o, "dialErrorLimit", path+".dialErrorLimit", 10),
		perDialTimeout:     d.number(o, "perDialTimeout", path+".perDialTimeout", 15),
	}
	if h := d.str(o, "host", path+".host"); h != nil {
		c.host = *h
	} else if hv, present := o["host"]; !present || plain(hv).IsNull() {
		d.fail(path+".host", "missing required property \"host\"")
	}
	if u := d.str(o, "user", path+".user"); u != nil {
		c.user = *u
	}
	if path == "connection" {
		c.proxy = d.connection(o, "proxy", path+".proxy", false)
	}
	return c
}

var loggingValues = []string{"stdout", "stderr", "stdoutAndStderr", "none"}

// decodeInputs reads a Command's inputs (t is its type token).
func decodeInputs(t string, m presource.PropertyMap) (commandArgs, []failure) {
	d := &decoder{}
	in := commandArgs{
		create:                 d.str(m, "create", "create"),
		update:                 d.str(m, "update", "update"),
		delete:                 d.str(m, "delete", "delete"),
		logging:                "stdoutAndStderr",
		environment:            d.stringMap(m, "environment", "environment"),
		addPreviousOutputInEnv: d.boolean(m, "addPreviousOutputInEnv", "addPreviousOutputInEnv", true),
	}
	if v, ok := d.value(m, "triggers", "triggers"); ok && !v.IsArray() {
		d.fail("triggers", "expected a list, got %s", v.TypeString())
	}
	if s := d.str(m, "stdin", "stdin"); s != nil {
		in.stdin = *s
	}
	if l := d.str(m, "logging", "logging"); l != nil {
		valid := false
		for _, v := range loggingValues {
			valid = valid || *l == v
		}
		if !valid {
			d.fail("logging", "%q is not one of %s", *l, strings.Join(loggingValues, ", "))
		}
		in.logging = *l
	}
	switch t {
	case remoteCommand:
		in.connection = d.connection(m, "connection", "connection", true)
	case localCommand:
		in.interpreter = d.strings(m, "interpreter", "interpreter")
		in.dir = d.str(m, "dir", "dir")
		for _, k := range []string{"assetPaths", "archivePaths"} {
			if v, ok := m[presource.PropertyKey(k)]; ok && !v.IsNull() {
				d.fail(k, "the stand-in command provider does not implement %s (docs/decisions/016); collect the files in the program instead", k)
			}
		}
	}
	return in, d.failures
}

func (in commandArgs) logStdout() bool {
	return in.logging == "stdout" || in.logging == "stdoutAndStderr"
}
func (in commandArgs) logStderr() bool {
	return in.logging == "stderr" || in.logging == "stdoutAndStderr"
}
