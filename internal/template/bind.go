package template

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// bind fills dst, a pointer to a properties struct (CloudFormation's
// names as json tags, the model's own types for nested shapes), from an
// evaluated property tree, converting as CloudFormation does ("5" for a
// number, "true" for a boolean) and recording every unknown property and
// wrong type under path. A value known only after apply is carried in
// string fields (as a marked string) and left unset elsewhere: binding
// happens again, with every value known, right before the call.
func bind(v any, dst any, path string, p *problems) {
	bindValue(v, reflect.ValueOf(dst).Elem(), path, p)
}

var (
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
	bytesType      = reflect.TypeOf([]byte(nil))
)

func bindValue(v any, dst reflect.Value, path string, p *problems) {
	if v == nil {
		return
	}
	if u, ok := v.(unknown); ok {
		if dst.Kind() == reflect.String {
			dst.SetString(unknownString(u))
		} else if dst.Kind() == reflect.Pointer && dst.Type().Elem().Kind() == reflect.String {
			s := unknownString(u)
			dst.Set(reflect.ValueOf(&s).Convert(dst.Type()))
		}
		return
	}
	if s, ok := v.(string); ok && strings.Contains(s, unknownMark) && !isStringish(dst.Type()) {
		return
	}
	t := dst.Type()
	switch {
	case t == rawMessageType:
		b, err := json.Marshal(plain(v))
		if err != nil {
			p.addf(path, "%v", err)
			return
		}
		dst.SetBytes(b)
		return
	case t == bytesType:
		s, err := toString(v)
		if err == nil {
			var b []byte
			if b, err = base64.StdEncoding.DecodeString(s); err == nil {
				dst.SetBytes(b)
				return
			}
			err = fmt.Errorf("expected base64-encoded bytes")
		}
		p.addf(path, "%v", err)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		el := reflect.New(t.Elem())
		bindValue(v, el.Elem(), path, p)
		dst.Set(el)
	case reflect.Interface:
		dst.Set(reflect.ValueOf(plain(v)))
	case reflect.String:
		s, err := toString(v)
		if err != nil {
			p.addf(path, "%v", err)
			return
		}
		dst.SetString(s)
	case reflect.Bool:
		b, err := toBool(v)
		if err != nil {
			p.addf(path, "%v", err)
			return
		}
		dst.SetBool(b)
	case reflect.Int32, reflect.Int64, reflect.Int:
		n, err := toInt(v)
		if err == nil && dst.OverflowInt(n) {
			err = fmt.Errorf("%d is out of range", n)
		}
		if err != nil {
			p.addf(path, "%v", err)
			return
		}
		dst.SetInt(n)
	case reflect.Float64:
		f, err := toFloat(v)
		if err != nil {
			p.addf(path, "%v", err)
			return
		}
		dst.SetFloat(f)
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			p.addf(path, "expected a list, got %s", describe(v))
			return
		}
		out := reflect.MakeSlice(t, len(l), len(l))
		for i, el := range l {
			bindValue(el, out.Index(i), fmt.Sprintf("%s[%d]", path, i), p)
		}
		dst.Set(out)
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			p.addf(path, "expected an object, got %s", describe(v))
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range sortedKeys(m) {
			el := reflect.New(t.Elem()).Elem()
			bindValue(m[k], el, path+"."+k, p)
			out.SetMapIndex(reflect.ValueOf(k), el)
		}
		dst.Set(out)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			p.addf(path, "expected an object, got %s", describe(v))
			return
		}
		fields := fieldsOf(t)
		for _, k := range sortedKeys(m) {
			i, ok := fields[k]
			if !ok {
				p.addf(joinPath(path, k), "unknown property (valid: %s)", strings.Join(fieldNames(t), ", "))
				continue
			}
			bindValue(m[k], dst.Field(i), joinPath(path, k), p)
		}
	default:
		p.addf(path, "cirro cannot bind a %s", t)
	}
}

func isStringish(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.String || t.Kind() == reflect.Interface || t == rawMessageType
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// fieldsOf maps a struct's property names (json tags) to field indexes.
func fieldsOf(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		if name := propName(t.Field(i)); name != "" {
			out[name] = i
		}
	}
	return out
}

func fieldNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if name := propName(t.Field(i)); name != "" {
			out = append(out, name)
		}
	}
	return out
}

func propName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// plain turns evaluated values into what encoding/json writes (unknowns
// become their marked strings).
func plain(v any) any {
	switch x := v.(type) {
	case unknown:
		return unknownString(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, el := range x {
			out[k] = plain(el)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, el := range x {
			out[i] = plain(el)
		}
		return out
	}
	return v
}
