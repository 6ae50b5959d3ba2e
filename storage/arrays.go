package storage

import "github.com/lib/pq"

func int64Array(v []int64) any   { return pq.Array(v) }
func stringArray(v []string) any { return pq.Array(v) }
