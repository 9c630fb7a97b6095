package nexmark

import (
	"strings"
	"testing"
)

const base = DefaultBaseTime

func newTestGenerator(t testing.TB) *Generator {
	t.Helper()
	g, err := NewGenerator(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGoldenPerson0 is nexmark-rs's own test vector (NEXMARK.md 2.3,
// "canonical"): event 0 at the default configuration.
func TestGoldenPerson0(t *testing.T) {
	g := newTestGenerator(t)
	want := Person{
		ID:           1000,
		Name:         "vicky noris",
		EmailAddress: "yplkvgz@qbxfg.com",
		CreditCard:   "7878 5821 1864 2539",
		City:         "cheyenne",
		State:        "az",
		DateTime:     base,
		Extra: "lwaiyhjhrkaruidlsjilvqccyedttedeynpqmackqbwvklwuyypztnkengzgtwtjivjgrxurskpcld" +
			"fohdzuwnefqymyncrksxyfaecwsbswjumzxudgoznyhakxrudomnxtmqtgshecfjgspxzpludz",
	}
	got := g.Person(0)
	if got != want {
		t.Fatalf("Person(0) =\n%+v\nwant\n%+v", got, want)
	}
	// The document's abbreviation of the same extra.
	if len(got.Extra) != 152 || !strings.HasPrefix(got.Extra, "lwaiyhjhrkaruidlsjil") || !strings.HasSuffix(got.Extra, "xzpludz") {
		t.Errorf("extra %q: want 152 chars lwaiyhjhrkaruidlsjil…xzpludz", got.Extra)
	}
}

// TestGoldenDerived checks the derived golden values of NEXMARK.md 2.3.
func TestGoldenDerived(t *testing.T) {
	g := newTestGenerator(t)

	wantHot := []string{"vzbh/ewxa/yha", "_iyk/xmeu/gsic", "ivb/a_m/p_f_", "rxa/n_n/ffl_"}
	for i, w := range wantHot {
		if want := "https://www.nexmark.com/" + w + "/item.htm?query=1"; hotURLs[i] != want {
			t.Errorf("hot url %d (%s) = %q, want %q", i, hotChannels[i], hotURLs[i], want)
		}
	}
	if ch := channels()[1]; ch.name != "channel-1" || !strings.HasSuffix(ch.url, "&channel_id=2147483648") {
		t.Errorf("channel 1 = %+v, want channel-1 ending &channel_id=2147483648", ch)
	}

	a := g.Auction(1)
	if a.ID != 1000 || a.ItemName != "sbeimyckhspxpmpeeuqm" || a.InitialBid != 595843 || a.Reserve != 691876 ||
		a.DateTime != base || a.Expires != base+332 || a.Seller != 1000 || a.Category != 12 || len(a.Extra) != 338 ||
		len(a.Description) != 100 {
		t.Errorf("Auction(1) = %+v (extra %d chars)", a, len(a.Extra))
	}

	b := g.Bid(4)
	if b.Auction != 1000 || b.Bidder != 1001 || b.Price != 73134520 || b.Channel != "channel-7568" ||
		b.URL != "https://www.nexmark.com/rswp/bsu/_gzj/item.htm?query=1&channel_id=163053568" ||
		b.DateTime != base || len(b.Extra) != 74 {
		t.Errorf("Bid(4) = %+v (extra %d chars)", b, len(b.Extra))
	}

	b = g.Bid(5)
	if b.Auction != 1000 || b.Bidder != 1001 || b.Price != 499920 || b.Channel != "Apple" || b.URL != hotURLs[3] ||
		b.DateTime != base+1 {
		t.Errorf("Bid(5) = %+v", b)
	}

	p := g.Person(50)
	if p.ID != 1001 || p.Name != "peter smith" || p.EmailAddress != "kabfpld@fhfis.com" ||
		p.CreditCard != "5179 0198 7232 1932" || p.City != "boise" || p.State != "wa" ||
		p.DateTime != base+5 || len(p.Extra) != 137 {
		t.Errorf("Person(50) = %+v (extra %d chars)", p, len(p.Extra))
	}
}

func TestTimestamps(t *testing.T) {
	g := newTestGenerator(t)
	for _, tc := range []struct{ n, want int64 }{
		{0, base}, {4, base}, {5, base + 1}, {14, base + 1}, {15, base + 2},
		{10000, base + 1000},
		// float32 quantises n past 2^24.
		{16777217, base + 1677722},
	} {
		if got := g.Timestamp(tc.n); got != tc.want {
			t.Errorf("Timestamp(%d) = base%+d, want base%+d", tc.n, got-base, tc.want-base)
		}
	}
	// Ten events share each ms at 10 000 events/s.
	counts := map[int64]int{}
	for n := int64(5); n < 1005; n++ {
		counts[g.Timestamp(n)]++
	}
	for ts, c := range counts {
		if c != 10 {
			t.Errorf("%d events at base%+d, want 10", c, ts-base)
		}
	}
}

// TestEventMix checks the 1:3:46 mix and the id formulas of NEXMARK.md 1.3.
func TestEventMix(t *testing.T) {
	g := newTestGenerator(t)
	var count [3]int
	for n := int64(0); n < 50; n++ {
		typ := g.Type(n)
		count[typ]++
		want := EventBid
		switch {
		case n == 0:
			want = EventPerson
		case n <= 3:
			want = EventAuction
		}
		if typ != want {
			t.Errorf("Type(%d) = %s, want %s", n, typ, want)
		}
	}
	if count != [3]int{1, 3, 46} {
		t.Errorf("mix over 50 events = %v, want [1 3 46]", count)
	}
	for n := int64(0); n < 5000; n++ {
		switch g.Type(n) {
		case EventPerson:
			if got, want := g.Person(n).ID, 1000+n/50; got != want {
				t.Fatalf("person %d id %d, want %d", n, got, want)
			}
		case EventAuction:
			if got, want := g.Auction(n).ID, 1000+3*(n/50)+(n%50-1); got != want {
				t.Fatalf("auction %d id %d, want %d", n, got, want)
			}
		}
	}
}

func TestGlobalOffset(t *testing.T) {
	g := newTestGenerator(t)
	for _, tc := range []struct {
		t    EventType
		o    int64
		want int64
	}{
		{EventPerson, 0, 0}, {EventPerson, 1, 50}, {EventPerson, 7, 350},
		{EventAuction, 0, 1}, {EventAuction, 2, 3}, {EventAuction, 3, 51}, {EventAuction, 5, 53},
		{EventBid, 0, 4}, {EventBid, 45, 49}, {EventBid, 46, 54}, {EventBid, 92, 104},
	} {
		got := g.GlobalOffset(tc.t, tc.o)
		if got != tc.want {
			t.Errorf("GlobalOffset(%s, %d) = %d, want %d", tc.t, tc.o, got, tc.want)
		}
		if g.Type(got) != tc.t {
			t.Errorf("global offset %d of %s %d has type %s", got, tc.t, tc.o, g.Type(got))
		}
	}
}

// TestHotIDs checks the hot-id formulas and the id ranges of the
// non-hot draws (NEXMARK.md 1.3), and the hot shares of 1.6.
func TestHotIDs(t *testing.T) {
	g := newTestGenerator(t)
	for _, tc := range []struct{ e, lastPerson, lastAuction int64 }{
		{0, 0, -1}, {1, 0, 0}, {3, 0, 2}, {4, 0, 2}, {49, 0, 2}, {50, 1, 2}, {51, 1, 3},
		{5000, 100, 299}, {5004, 100, 302},
	} {
		if got := g.lastPerson(tc.e); got != tc.lastPerson {
			t.Errorf("lastPerson(%d) = %d, want %d", tc.e, got, tc.lastPerson)
		}
		if got := g.lastAuction(tc.e); got != tc.lastAuction {
			t.Errorf("lastAuction(%d) = %d, want %d", tc.e, got, tc.lastAuction)
		}
	}

	var bids, hotAuction, hotBidder, hotChannel, withChannelID, auctions, hotSeller int
	for n := int64(0); n < 200000; n++ {
		switch g.Type(n) {
		case EventBid:
			b := g.Bid(n)
			bids++
			lp, la := g.lastPerson(n), g.lastAuction(n)
			if b.Auction-1000 == la/100*100 {
				hotAuction++
			} else if lo := max(la-100, 0); b.Auction-1000 < lo || b.Auction-1000 > la+10 {
				t.Fatalf("bid %d: auction %d outside [%d, %d]", n, b.Auction, lo+1000, la+1010)
			}
			if b.Bidder-1000 == lp/100*100+1 {
				hotBidder++
			} else if people := lp + 1; b.Bidder-1000 < people-min(people, 1000) || b.Bidder-1000 >= people+10 {
				t.Fatalf("bid %d: bidder %d outside the active people", n, b.Bidder)
			}
			if !strings.HasPrefix(b.Channel, "channel-") {
				hotChannel++
			} else if strings.Contains(b.URL, "&channel_id=") {
				withChannelID++
			}
			if len(b.Extra) < 54 || len(b.Extra) > 81 {
				t.Fatalf("bid %d: extra of %d chars, want 54..81", n, len(b.Extra))
			}
			if b.Price < 100 || b.Price > 100000000 {
				t.Fatalf("bid %d: price %d", n, b.Price)
			}
		case EventAuction:
			a := g.Auction(n)
			auctions++
			if a.Seller-1000 == g.lastPerson(n)/100*100 {
				hotSeller++
			}
			if len(a.Extra) < 266 || len(a.Extra) > 397 {
				t.Fatalf("auction %d: extra of %d chars, want 266..397", n, len(a.Extra))
			}
			if a.Category < 10 || a.Category > 14 || a.Expires <= a.DateTime || a.Reserve <= a.InitialBid {
				t.Fatalf("auction %d: %+v", n, a)
			}
		}
	}
	share := func(what string, k, of int, lo, hi float64) {
		if f := float64(k) / float64(of); f < lo || f > hi {
			t.Errorf("%s: %d of %d = %.3f, want %.2f..%.2f", what, k, of, f, lo, hi)
		}
	}
	// P(hot) = 1 - 1/ratio, plus the odd uniform draw that lands on the
	// hot id.
	share("hot auctions", hotAuction, bids, 0.49, 0.52)
	share("hot bidders", hotBidder, bids, 0.74, 0.77)
	share("hot channels", hotChannel, bids, 0.49, 0.51)
	share("channel_id in other urls", withChannelID, bids-hotChannel, 0.88, 0.92)
	share("hot sellers", hotSeller, auctions, 0.73, 0.77)
}

// TestFieldMask checks that leaving strings out changes no other field.
func TestFieldMask(t *testing.T) {
	g := newTestGenerator(t)
	for n := int64(0); n < 500; n++ {
		switch g.Type(n) {
		case EventPerson:
			var p Person
			g.person(n, &p, 0)
			full := g.Person(n)
			full.Name, full.EmailAddress, full.CreditCard, full.Extra = "", "", "", ""
			if p != full {
				t.Fatalf("person %d: %+v, want %+v", n, p, full)
			}
		case EventAuction:
			var a Auction
			g.auction(n, &a, 0)
			full := g.Auction(n)
			full.ItemName, full.Description, full.Extra = "", "", ""
			if a != full {
				t.Fatalf("auction %d: %+v, want %+v", n, a, full)
			}
		case EventBid:
			var b Bid
			g.bid(n, &b, 0)
			full := g.Bid(n)
			full.Extra = ""
			if b != full {
				t.Fatalf("bid %d: %+v, want %+v", n, b, full)
			}
		}
	}
}

func TestSampling(t *testing.T) {
	if letterZone != 4294967273 {
		t.Errorf("letter zone %d, want 4294967273", letterZone)
	}
	r := newRNG(7)
	for i := 0; i < 10000; i++ {
		if v := r.intn32(13); v >= 13 {
			t.Fatalf("intn32(13) = %d", v)
		}
		if v := r.intn64(3); v >= 3 {
			t.Fatalf("intn64(3) = %d", v)
		}
		if c := r.letter(); c < 'a' || c > 'z' {
			t.Fatalf("letter %q", c)
		}
		if f := r.float32(); f < 0 || f >= 1 {
			t.Fatalf("float32 %v", f)
		}
	}
}

// TestPowfExceptions checks the glibc table against the computed prices.
func TestPowfExceptions(t *testing.T) {
	if len(powfExceptions) != 2332 {
		t.Errorf("%d exceptions, want 2332", len(powfExceptions))
	}
	for i, x := range powfExceptions {
		k, price := uint32(x>>32), int64(uint32(x))
		if i > 0 && powfExceptions[i-1]>>32 >= x>>32 {
			t.Fatalf("table not sorted at %d", i)
		}
		if priceOf(k) != price || computedPrice(k) == price {
			t.Fatalf("k %#x: priceOf %d, computed %d, table %d", k, priceOf(k), computedPrice(k), price)
		}
		// glibc's powf is within one float32 ulp: a few cents at most.
		if d := price - computedPrice(k); d < -8 || d > 8 {
			t.Errorf("k %#x: table %d vs computed %d", k, price, computedPrice(k))
		}
	}
	// The first entry: 505 computed, 506 from glibc.
	if got := priceOf(0x1e0683); got != 506 {
		t.Errorf("priceOf(0x1e0683) = %d, want 506", got)
	}
	if got := priceOf(0); got != 100 {
		t.Errorf("priceOf(0) = %d, want 100", got)
	}
	// x = float32(6 - 6·2^-24) = 6 - 2^-21; 10^x = 999998.9, times 100
	// rounds to the float32 99999888 (spacing 8).
	if got := priceOf(1<<24 - 1); got != 99999888 {
		t.Errorf("priceOf(2^24-1) = %d, want 99999888", got)
	}
}
