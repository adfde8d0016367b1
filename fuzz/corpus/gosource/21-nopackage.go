import "example.com/m/orphan"
