package ünï

import (
	"example.com/m/日本語"  // 日本
	"example.com/m/ascii" // ascii
	"example.com/m/ä"     // ä
)
