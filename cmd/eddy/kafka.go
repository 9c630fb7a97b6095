package main

import (
	"fmt"
	"net"
	"sync"

	"github.com/twmb/franz-go/pkg/kfake"
)

// defaultKafkaListen is where eddy playground's broker listens: Kafka's
// usual port, on loopback.
const defaultKafkaListen = "127.0.0.1:9092"

// startBroker runs the playground's Kafka-compatible broker (franz-go's
// kfake: one broker, records in memory, gone on exit) on addr and returns
// it with the address it listens on (port 0 picks a free port). Topics
// are created on first use with one partition, as Kafka's
// num.partitions=1 default does.
func startBroker(addr string) (*kfake.Cluster, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", listenError("--kafka-listen", addr, err, "or start no broker with --kafka-listen off")
	}
	// kfake listens on 127.0.0.1 itself; hand it this listener instead,
	// so that the host and port are the ones asked for.
	var once sync.Once
	listen := func(string, string) (net.Listener, error) {
		var l net.Listener
		once.Do(func() { l = ln })
		if l == nil {
			return nil, fmt.Errorf("the playground runs one broker")
		}
		return l, nil
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.ListenFn(listen), kfake.ClusterID("eddy-playground"),
		kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1))
	if err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("start the kafka broker: %w", err)
	}
	return c, ln.Addr().String(), nil
}
