package executor

import "context"

// sortRun is the length of the runs insertion sort orders before they
// are merged.
const sortRun = 24

// sortCheckEvery is how many comparisons (or elements moved) sortStable
// makes between two looks at the statement's context: a look costs about
// what a comparison does, so checks stay far below 1% of the work, while
// a cancel still lands within a fraction of a millisecond.
const sortCheckEvery = 4096

// sortStable sorts xs by cmp, keeping equal elements in their order, and
// looks for a cancel as it goes, so that a large ORDER BY stops promptly
// on a cancel or statement_timeout while it sorts, not only while it
// reads its input. It is a bottom-up merge sort: runs of sortRun
// elements are ordered by insertion, then merged pairwise between xs and
// a buffer as long as xs, the context being checked every sortCheckEvery
// comparisons. It returns the statement's error (57014, 57P01) when
// the statement ended first, and then leaves xs in no useful state. A
// nil ec, or one without a context, sorts without checks.
func sortStable[T any](ec *Context, xs []T, cmp func(a, b T) int) error {
	n := len(xs)
	if n < 2 {
		return nil
	}
	var ctx context.Context
	if ec != nil {
		ctx = ec.Ctx
	}
	budget := sortCheckEvery
	// spend accounts for k comparisons or elements placed and checks the
	// context when the budget runs out.
	spend := func(k int) error {
		if budget -= k; budget > 0 || ctx == nil {
			return nil
		}
		budget = sortCheckEvery
		return ContextErr(ctx)
	}
	for lo := 0; lo < n; lo += sortRun {
		run := xs[lo:min(lo+sortRun, n)]
		compared := 0
		for i := 1; i < len(run); i++ {
			for j := i; j > 0; j-- {
				compared++
				if cmp(run[j], run[j-1]) >= 0 {
					break
				}
				run[j], run[j-1] = run[j-1], run[j]
			}
		}
		if err := spend(compared); err != nil {
			return err
		}
	}
	if n <= sortRun {
		return nil
	}
	src, dst := xs, make([]T, n)
	for width := sortRun; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := min(lo+width, n), min(lo+2*width, n)
			if mid == hi || cmp(src[mid], src[mid-1]) >= 0 {
				// One run, or two already in order.
				copy(dst[lo:hi], src[lo:hi])
				if err := spend(hi - lo); err != nil {
					return err
				}
				continue
			}
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				// Ties take the left element: the sort is stable.
				if cmp(src[j], src[i]) < 0 {
					dst[k] = src[j]
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
				if budget--; budget == 0 {
					if err := spend(0); err != nil {
						return err
					}
				}
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	if &src[0] != &xs[0] {
		copy(xs, src)
	}
	return nil
}
