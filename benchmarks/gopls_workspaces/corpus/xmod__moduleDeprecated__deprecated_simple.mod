// Deprecated: blah
		module m