// Reads a JSON array of semver ranges on stdin and prints, for each, whether
// Masterminds/semver accepts it as a constraint (what Flux's ImagePolicy does).
package main

import (
	"encoding/json"
	"os"

	"github.com/Masterminds/semver/v3"
)

func main() {
	var ranges []string
	if err := json.NewDecoder(os.Stdin).Decode(&ranges); err != nil {
		panic(err)
	}
	accepted := make([]bool, len(ranges))
	for i, r := range ranges {
		_, err := semver.NewConstraint(r)
		accepted[i] = err == nil
	}
	if err := json.NewEncoder(os.Stdout).Encode(accepted); err != nil {
		panic(err)
	}
}
