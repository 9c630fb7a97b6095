package nexmark

import (
	"math"
	"math/bits"
	"strconv"
	"sync"
	"unsafe"
)

// EventType is the kind of a Nexmark event; the values are the
// event_type codes of the combined source.
type EventType uint8

// The event types.
const (
	EventPerson  EventType = 0
	EventAuction EventType = 1
	EventBid     EventType = 2
)

func (t EventType) String() string {
	switch t {
	case EventPerson:
		return "Person"
	case EventAuction:
		return "Auction"
	case EventBid:
		return "Bid"
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}

// Person is a person event: someone who can sell and bid.
type Person struct {
	ID           int64
	Name         string
	EmailAddress string
	CreditCard   string
	City         string
	State        string
	DateTime     int64 // ms since the epoch
	Extra        string
}

// Auction is an auction event: an item put up for sale.
type Auction struct {
	ID          int64
	ItemName    string
	Description string
	InitialBid  int64 // cents
	Reserve     int64 // cents
	DateTime    int64 // ms since the epoch
	Expires     int64 // ms since the epoch
	Seller      int64
	Category    int64
	Extra       string
}

// Bid is a bid event.
type Bid struct {
	Auction  int64
	Bidder   int64
	Price    int64 // cents
	Channel  string
	URL      string
	DateTime int64 // ms since the epoch
	Extra    string
}

// hotBatch is the size of the batches of people and auctions whose first
// (sellers, auctions) or second (bidders) member is hot; a constant in
// nexmark-rs 0.2.0.
const hotBatch = 100

// numChannels is the size of the channel table.
const numChannels = 10000

// hotChannels are the channels of the hot URLs.
var hotChannels = [4]string{"Google", "Facebook", "Baidu", "Apple"}

// hotURLs[i] is baseURL(i).
var hotURLs = [4]string{baseURL(0), baseURL(1), baseURL(2), baseURL(3)}

// channel is one entry of the channel table.
type channel struct{ name, url string }

// channels returns the 10 000-entry table non-hot bids choose from,
// built on first use.
var channels = sync.OnceValue(func() []channel {
	t := make([]channel, numChannels)
	for i := range t {
		url := baseURL(uint64(i))
		r := newRNG(uint64(i))
		if r.intn32(10) > 0 {
			// |int64(bit-reversed int32 i)|: 2147483648 for i = 1.
			v := int64(int32(bits.Reverse32(uint32(i))))
			if v < 0 {
				v = -v
			}
			url += "&channel_id=" + strconv.FormatInt(v, 10)
		}
		t[i] = channel{"channel-" + strconv.Itoa(i), url}
	}
	return t
})

// baseURL is nexmark-rs's get_base_url: three path parts of 3 or 4
// characters, each '_' with probability 1/13 and a letter otherwise.
func baseURL(seed uint64) string {
	r := newRNG(seed)
	b := append(make([]byte, 0, 64), "https://www.nexmark.com"...)
	for part := 0; part < 3; part++ {
		b = append(b, '/')
		n := 3 + r.intn64(2)
		for i := uint64(0); i < n; i++ {
			if r.intn32(13) == 0 {
				b = append(b, '_')
			} else {
				b = append(b, r.letter())
			}
		}
	}
	b = append(b, "/item.htm?query=1"...)
	return string(b)
}

// Generator maps an event number to its event. It holds no position: any
// event is produced from its number alone, so a stream can restart at any
// offset. A Generator is safe for concurrent use.
type Generator struct {
	cfg   Config
	denom int64   // pp + ap + bp
	delay float32 // µs of event time between events
	// auctionEvents is how many events an auction's expiry looks ahead.
	auctionEvents int64
}

// NewGenerator checks a configuration and returns its generator.
func NewGenerator(cfg Config) (*Generator, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg}
	g.denom = cfg.PersonProportion + cfg.AuctionProportion + cfg.BidProportion
	g.delay = float32(float32(cfg.USPerUnit)/float32(cfg.FirstEventRate)) * float32(cfg.NumEventGenerators)
	g.auctionEvents = cfg.InFlightAuctions * g.denom / cfg.AuctionProportion
	return g, nil
}

// Config returns the generator's configuration.
func (g *Generator) Config() Config { return g.cfg }

// Type returns the type of event number n: per proportion denominator D,
// the first pp are people, the next ap auctions, the rest bids.
func (g *Generator) Type(n int64) EventType {
	switch r := n % g.denom; {
	case r < g.cfg.PersonProportion:
		return EventPerson
	case r < g.cfg.PersonProportion+g.cfg.AuctionProportion:
		return EventAuction
	}
	return EventBid
}

// Timestamp returns the event time of event number n in ms since the
// epoch: base + round(n * delay / 1000) with every step in float32, as
// nexmark-rs computes it (so past 2^24 events n itself is quantised).
func (g *Generator) Timestamp(n int64) int64 {
	q := float32(float32(float32(n)*g.delay) / 1000)
	return g.cfg.BaseTime + int64(math.Round(float64(q)))
}

// GlobalOffset returns the offset in the combined stream of the o-th
// event (from 0) of type t.
func (g *Generator) GlobalOffset(t EventType, o int64) int64 {
	c := &g.cfg
	switch t {
	case EventPerson:
		return o/c.PersonProportion*g.denom + o%c.PersonProportion
	case EventAuction:
		return o/c.AuctionProportion*g.denom + c.PersonProportion + o%c.AuctionProportion
	}
	return o/c.BidProportion*g.denom + c.PersonProportion + c.AuctionProportion + o%c.BidProportion
}

// lastPerson returns the id (from 0) of the latest person created at or
// before event id e.
func (g *Generator) lastPerson(e int64) int64 {
	return e/g.denom*g.cfg.PersonProportion + min(e%g.denom, g.cfg.PersonProportion-1)
}

// lastAuction returns the id (from 0) of the latest auction created at or
// before event id e.
func (g *Generator) lastAuction(e int64) int64 {
	c := &g.cfg
	epoch, off := e/g.denom, e%g.denom
	switch {
	case off < c.PersonProportion:
		epoch--
		off = c.AuctionProportion - 1
	case off >= c.PersonProportion+c.AuctionProportion:
		off = c.AuctionProportion - 1
	default:
		off -= c.PersonProportion
	}
	return epoch*c.AuctionProportion + off
}

// nextPerson draws a person id (from 0) among the active people, up to
// PersonIDLead past the last one created.
func (g *Generator) nextPerson(e int64, r *rng) int64 {
	people := g.lastPerson(e) + 1
	active := min(people, g.cfg.ActivePeople)
	return people - active + r.intn(active+g.cfg.PersonIDLead)
}

// nextAuction draws an auction id (from 0) among the in-flight auctions,
// up to AuctionIDLead past the last one created.
func (g *Generator) nextAuction(e int64, r *rng) int64 {
	hi := g.lastAuction(e)
	lo := max(hi-g.cfg.InFlightAuctions, 0)
	return lo + r.intn(hi-lo+1+g.cfg.AuctionIDLead)
}

// Fields of each type, as bits of a mask saying which string fields to
// build: a field left out still draws its random numbers, so the fields
// that are built do not change.
const (
	pName uint16 = 1 << iota
	pEmail
	pCreditCard
	pExtra
)

const (
	aItemName uint16 = 1 << iota
	aDescription
	aExtra
)

const (
	bExtra    uint16 = 1
	allFields        = ^uint16(0)
)

// Person returns the person of event number n (Type(n) == EventPerson).
func (g *Generator) Person(n int64) Person {
	var p Person
	g.person(n, &p, allFields)
	return p
}

// Auction returns the auction of event number n (Type(n) ==
// EventAuction).
func (g *Generator) Auction(n int64) Auction {
	var a Auction
	g.auction(n, &a, allFields)
	return a
}

// Bid returns the bid of event number n (Type(n) == EventBid).
func (g *Generator) Bid(n int64) Bid {
	var b Bid
	g.bid(n, &b, allFields)
	return b
}

// Draw order and sizes are nexmark-rs 0.2.0's (NEXMARK.md 1.5).

func (g *Generator) person(n int64, p *Person, want uint16) {
	c := &g.cfg
	e := c.FirstEventID + n
	r := newRNG(uint64(e))
	p.ID = c.FirstPersonID + g.lastPerson(e)
	first := c.FirstNames[r.intn32(uint32(len(c.FirstNames)))]
	last := c.LastNames[r.intn32(uint32(len(c.LastNames)))]
	p.Name = ""
	if want&pName != 0 {
		p.Name = first + " " + last
	}
	const emailLen = 7 + 1 + 5 + 4 // xxxxxxx@xxxxx.com
	p.EmailAddress = ""
	if want&pEmail != 0 {
		b := make([]byte, emailLen)
		r.letters(b[:7])
		b[7] = '@'
		r.letters(b[8:13])
		copy(b[13:], ".com")
		p.EmailAddress = bytesString(b)
	} else {
		r.skipLetters(12)
	}
	const cardLen = 4*4 + 3 // four %04d groups joined by spaces
	var card [4]uint32
	for i := range card {
		card[i] = r.intn32(10000)
	}
	p.CreditCard = ""
	if want&pCreditCard != 0 {
		b := make([]byte, cardLen)
		for i, v := range card {
			o := 5 * i
			b[o], b[o+1], b[o+2], b[o+3] = byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
			if i < 3 {
				b[o+4] = ' '
			}
		}
		p.CreditCard = bytesString(b)
	}
	p.City = c.USCities[r.intn32(uint32(len(c.USCities)))]
	p.State = c.USStates[r.intn32(uint32(len(c.USStates)))]
	size := int64(8 + len(first) + 1 + len(last) + emailLen + cardLen + len(p.City) + len(p.State))
	p.Extra = r.extra(size, c.AvgPersonByteSize, want&pExtra != 0)
	p.DateTime = g.Timestamp(n)
}

func (g *Generator) auction(n int64, a *Auction, want uint16) {
	c := &g.cfg
	e := c.FirstEventID + n
	r := newRNG(uint64(e))
	a.ID = c.FirstAuctionID + g.lastAuction(e)
	a.ItemName = r.lettersString(20, want&aItemName != 0)
	a.Description = r.lettersString(100, want&aDescription != 0)
	a.InitialBid = r.price()
	a.Reserve = a.InitialBid + r.price()
	ts := g.Timestamp(n)
	horizon := g.Timestamp(n+g.auctionEvents) - ts
	a.DateTime = ts
	a.Expires = ts + 1 + r.intn(max(2*horizon, 1))
	if r.intn(c.HotSellerRatio) > 0 {
		a.Seller = g.lastPerson(e) / hotBatch * hotBatch
	} else {
		a.Seller = g.nextPerson(e, &r)
	}
	a.Seller += c.FirstPersonID
	a.Category = c.FirstCategoryID + r.intn(c.NumCategories)
	// 8 + item name + description + five 8-byte numbers.
	a.Extra = r.extra(8+20+100+5*8, c.AvgAuctionByteSize, want&aExtra != 0)
}

func (g *Generator) bid(n int64, b *Bid, want uint16) {
	c := &g.cfg
	e := c.FirstEventID + n
	r := newRNG(uint64(e))
	if r.intn(c.HotAuctionRatio) > 0 {
		b.Auction = g.lastAuction(e) / hotBatch * hotBatch
	} else {
		b.Auction = g.nextAuction(e, &r)
	}
	if r.intn(c.HotBidderRatio) > 0 {
		// The second person of the batch, so hot bidders are not hot
		// sellers.
		b.Bidder = g.lastPerson(e)/hotBatch*hotBatch + 1
	} else {
		b.Bidder = g.nextPerson(e, &r)
	}
	b.Auction += c.FirstAuctionID
	b.Bidder += c.FirstPersonID
	b.Price = r.price()
	if r.intn(c.HotChannelRatio) > 0 {
		i := r.intn64(uint64(len(hotChannels)))
		b.Channel, b.URL = hotChannels[i], hotURLs[i]
	} else {
		ch := &channels()[r.intn32(numChannels)]
		b.Channel, b.URL = ch.name, ch.url
	}
	b.Extra = r.extra(4*8, c.AvgBidByteSize, want&bExtra != 0)
	b.DateTime = g.Timestamp(n)
}

// extra is gen_next_extra: letters padding an event of size cur towards
// avg, avg-cur ± 20%. With keep false it only draws them.
func (r *rng) extra(cur, avg int64, keep bool) string {
	if cur > avg {
		return ""
	}
	d := avg - cur
	delta := (d + 2) / 5
	size := d - delta
	if delta > 0 {
		size += r.intn(2 * delta)
	}
	return r.lettersString(int(size), keep)
}

// lettersString draws n letters and, with keep, returns them.
func (r *rng) lettersString(n int, keep bool) string {
	if !keep || n == 0 {
		r.skipLetters(n)
		return ""
	}
	b := make([]byte, n)
	r.letters(b)
	return bytesString(b)
}

// bytesString turns a buffer nothing else refers to into a string
// without copying it.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
