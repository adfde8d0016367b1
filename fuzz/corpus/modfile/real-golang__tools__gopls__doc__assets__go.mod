0// This module contains no Go code, but serves to carve out a hole in
// its parent module to avoid bloating it with large image files that
// would otherwise be downloaded by "go install golang.org/x/tools/gopls@latest".

module golang.org/x/tools/gopls/doc/assets

go 1.26.0
