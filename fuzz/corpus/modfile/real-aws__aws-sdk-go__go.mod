0module github.com/aws/aws-sdk-go

require (
	github.com/jmespath/go-jmespath v0.0.0-20160202185014-0b12d6b521d8
)
