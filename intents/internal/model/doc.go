// Package model holds the local model's machinery shared by the intents
// package and the trainer: text normalisation (width folding, lower case,
// traditional→simplified), hashed n-gram features, the linear model's binary
// format, inference and training. It imports nothing from Concierge.
package model
