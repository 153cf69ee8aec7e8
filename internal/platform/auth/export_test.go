package auth

// ArgonRuns is how many times CheckPassword has run, for the tests.
func ArgonRuns() int64 { return argonRuns.Load() }

// GuessRunes is guessRunes, for the tests.
const GuessRunes = guessRunes
