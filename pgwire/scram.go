package pgwire

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// scramIterations is the PBKDF2 iteration count PostgreSQL uses by default.
const scramIterations = 4096

// scramServer runs the server side of SCRAM-SHA-256 (RFC 5802/7677)
// without channel binding, for one password.
type scramServer struct {
	password        string
	salt            []byte
	nonce           string
	clientFirstBare string
	serverFirst     string
	saltedPassword  []byte
}

var errSCRAM = errors.New("malformed SCRAM message")

func newSCRAMServer(password string) *scramServer {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	return &scramServer{password: password, salt: salt}
}

// first handles the client-first-message and returns server-first.
func (s *scramServer) first(msg []byte) (string, error) {
	m := string(msg)
	// gs2-header: "n,," or "y,,"; channel binding ("p=...") is not offered.
	var rest string
	switch {
	case strings.HasPrefix(m, "n,"), strings.HasPrefix(m, "y,"):
		rest = m[2:]
	default:
		return "", errSCRAM
	}
	i := strings.IndexByte(rest, ',')
	if i < 0 {
		return "", errSCRAM
	}
	s.clientFirstBare = rest[i+1:]
	var clientNonce string
	for _, attr := range strings.Split(s.clientFirstBare, ",") {
		if strings.HasPrefix(attr, "r=") {
			clientNonce = attr[2:]
		}
	}
	if clientNonce == "" {
		return "", errSCRAM
	}
	nb := make([]byte, 18)
	_, _ = rand.Read(nb)
	s.nonce = clientNonce + base64.StdEncoding.EncodeToString(nb)
	s.serverFirst = "r=" + s.nonce + ",s=" + base64.StdEncoding.EncodeToString(s.salt) + ",i=" + strconv.Itoa(scramIterations)
	return s.serverFirst, nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// final checks the client-final-message's proof and returns
// server-final (ok false: wrong password).
func (s *scramServer) final(msg []byte) (string, bool, error) {
	m := string(msg)
	i := strings.LastIndex(m, ",p=")
	if i < 0 {
		return "", false, errSCRAM
	}
	withoutProof := m[:i]
	proof, err := base64.StdEncoding.DecodeString(m[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return "", false, errSCRAM
	}
	var nonce, cb string
	for _, attr := range strings.Split(withoutProof, ",") {
		switch {
		case strings.HasPrefix(attr, "r="):
			nonce = attr[2:]
		case strings.HasPrefix(attr, "c="):
			cb = attr[2:]
		}
	}
	if nonce != s.nonce || (cb != "biws" && cb != "eSws") {
		return "", false, errSCRAM
	}
	salted, err := pbkdf2.Key(sha256.New, s.password, s.salt, scramIterations, sha256.Size)
	if err != nil {
		return "", false, err
	}
	s.saltedPassword = salted
	authMessage := s.clientFirstBare + "," + s.serverFirst + "," + withoutProof
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	clientSig := hmacSHA256(storedKey[:], authMessage)
	recovered := make([]byte, len(proof))
	for j := range proof {
		recovered[j] = proof[j] ^ clientSig[j]
	}
	got := sha256.Sum256(recovered)
	if subtle.ConstantTimeCompare(got[:], storedKey[:]) != 1 {
		return "", false, nil
	}
	serverKey := hmacSHA256(salted, "Server Key")
	serverSig := hmacSHA256(serverKey, authMessage)
	return "v=" + base64.StdEncoding.EncodeToString(serverSig), true, nil
}
