package m_test

import (
	"testing"

	"example.com/m"
	"example.com/m/internal/testutil" // helpers
	"gopkg.in/yaml.v3"
)

func TestX(t *testing.T) { _ = m.X; _ = testutil.Y; _ = yaml.Marshal }
