module example.com/m
		retract [1.0.0, 1.1.0]