import { Testing } from "cdktf";
// Type-only: declares cdktf's matchers (toHaveResourceWithProperties, ...) on jest's expect().
import type {} from "cdktf/lib/testing/adapters/jest";

// Adds cdktf's matchers to expect() at run time.
Testing.setupJest();
