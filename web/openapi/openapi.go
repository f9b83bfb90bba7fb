// Package openapi holds the OpenAPI 3.1 document of Baton's HTTP API,
// written by hand in openapi.yaml and embedded in the binary.
//
// The document describes what the web package serves; a contract test in
// the web package validates every request and answer of its test suite
// against it, so a handler that answers a status or a body the document
// does not describe fails the suite. A new endpoint is added here with its
// request, its answers and every error status it can return.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v4"
)

// YAML is the document as written.
//
//go:embed openapi.yaml
var YAML []byte

// sharedKey is the root key whose YAML anchors hold the response sets
// several operations share; JSON keeps the expanded copies only.
const sharedKey = "x-response-sets"

// JSON returns the document as JSON, its YAML anchors expanded and their
// holder removed.
func JSON() ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(YAML, &doc); err != nil {
		return nil, fmt.Errorf("openapi: parse openapi.yaml: %w", err)
	}
	delete(doc, sharedKey)
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: encode openapi.yaml as JSON: %w", err)
	}
	return b, nil
}
