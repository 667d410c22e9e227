package cluster

// jobQueue is a FIFO of jobs with cheap push to the front, for jobs that go back to
// the queue when their worker dies. It is a ring buffer that grows by doubling.
type jobQueue struct {
	buf        []*job
	head, size int
}

func (q *jobQueue) len() int { return q.size }

func (q *jobQueue) grow() {
	if q.size < len(q.buf) {
		return
	}
	nb := make([]*job, max(16, 2*len(q.buf)))
	for i := 0; i < q.size; i++ {
		nb[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = nb, 0
}

func (q *jobQueue) pushBack(j *job) {
	q.grow()
	q.buf[(q.head+q.size)%len(q.buf)] = j
	q.size++
}

func (q *jobQueue) pushFront(j *job) {
	q.grow()
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = j
	q.size++
}

func (q *jobQueue) popFront() *job {
	if q.size == 0 {
		return nil
	}
	j := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	if q.size == 0 {
		q.head = 0
	}
	return j
}

// filter keeps the jobs for which keep is true, in order.
func (q *jobQueue) filter(keep func(*job) bool) {
	n := q.size
	for i := 0; i < n; i++ {
		if j := q.popFront(); keep(j) {
			q.pushBack(j)
		}
	}
}
