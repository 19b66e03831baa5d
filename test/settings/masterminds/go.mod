module semverrange

go 1.21

require github.com/Masterminds/semver/v3 v3.4.0
