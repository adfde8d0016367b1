package server

import (
	"context"
	"fmt"
	"net/http"

	"example.com/m/internal/store"
	"example.com/m/pkg/api"
	"github.com/pkg/errors"
)

var _ = context.Background
