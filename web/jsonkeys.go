package web

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// foldedKey returns the path and the field's own name of the first object
// key in body that names a field of t only when case is ignored
// ("External_ID" for external_id), or "". encoding/json matches keys without
// case, so {"external_id": "a", "EXTERNAL_ID": "b"} would silently decode
// as one of the two; the API's names are exact, as its OpenAPI document
// describes them.
func foldedKey(body []byte, t reflect.Type, prefix string) (path, want string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return "", ""
	}
	switch t.Kind() {
	case reflect.Struct:
		var raw map[string]json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return "", ""
		}
		fields := map[string]reflect.Type{}
		jsonFields(t, fields)
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if ft, ok := fields[k]; ok {
				if path, want := foldedKey(raw[k], ft, p); path != "" {
					return path, want
				}
				continue
			}
			for name := range fields {
				if strings.EqualFold(name, k) {
					return p, name
				}
			}
		}
	case reflect.Slice, reflect.Array:
		var raw []json.RawMessage
		if json.Unmarshal(body, &raw) != nil {
			return "", ""
		}
		for i, v := range raw {
			if path, want := foldedKey(v, t.Elem(), prefix+"["+strconv.Itoa(i)+"]"); path != "" {
				return path, want
			}
		}
	}
	return "", ""
}

// jsonFields adds the JSON names of t's fields, and of the fields of its
// embedded structs, with their types.
func jsonFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			jsonFields(ft, into)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		into[name] = f.Type
	}
}

// hasFoldable reports whether body could hold a key that differs from a
// field's name only by case: one with an upper-case ASCII letter, or the
// Kelvin sign or long s that encoding/json folds to k and s.
func hasFoldable(body []byte) bool {
	return bytes.ContainsFunc(body, func(r rune) bool { return 'A' <= r && r <= 'Z' || r == '\u212a' || r == '\u017f' })
}
