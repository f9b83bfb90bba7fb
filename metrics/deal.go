package metrics

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/batonhq/baton/completeness"
	"github.com/batonhq/baton/playbook"
)

// DealValue reads a handoff's deal value from its context: the number in
// the field deal_value when there is one, else the midpoint of the money
// range in budget (or budget_range, the default playbook's field):
// {"min", "max", "currency"} or its written form such as "$20k-$50k".
// Currencies are not converted. ok is false when there is no readable
// value.
func DealValue(context map[string]any) (value float64, ok bool) {
	if v, ok := number(context["deal_value"]); ok {
		return v, true
	}
	for _, field := range []string{"budget", "budget_range"} {
		v, present := context[field]
		if !present {
			continue
		}
		if x, ok := number(v); ok {
			return x, true
		}
		m, err := completeness.Normalize(playbook.Field{Type: playbook.FieldMoneyRange}, v)
		if err != nil {
			continue
		}
		if money, ok := m.(completeness.Money); ok {
			return (money.Min + money.Max) / 2, true
		}
	}
	return 0, false
}

// DealValueJSON is DealValue of a context stored as JSON, rounded to whole
// units; 0 when there is none or the JSON does not decode.
func DealValueJSON(context string) int64 {
	if !strings.Contains(context, "deal_value") && !strings.Contains(context, "budget") {
		return 0
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(context), &m); err != nil {
		return 0
	}
	v, ok := DealValue(m)
	if !ok {
		return 0
	}
	return int64(math.Round(v))
}

func number(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return 0, false
		}
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(x, ",", "")), 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	return f, true
}
