;; The masking kernel of RFC 6455 §5.3: "Octet i of the transformed data ("transformed-octet-i")
;; is the XOR of octet i of the original data ("original-octet-i") with octet at index i modulo 4
;; of the masking key ("masking-key-octet-j")". Masking and unmasking are the same XOR.
;;
;; Hand-written WebAssembly text, SIMD128. Assembled by `npm run build:wasm` (scripts/build-wasm.ts,
;; with wabt) into mask-bytes.ts, which src/protocol/wasm/kernels.ts instantiates synchronously.
;; The JavaScript side copies the bytes into the kernels' memory, calls `mask`, and copies them out
;; (a WebAssembly module works only on its memory); a text payload's bytes are then validated
;; where they are, by utf8.wat, which shares the memory.
(module
  ;; The kernels' memory, made by kernels.ts: two pages (128 KiB), never grown (so the caller's views
  ;; of it stay valid); the caller works through blocks of at most 64 KiB at offset 0.
  (import "kernels" "memory" (memory 2 2))

  ;; XOR the bytes [at, at + length) with the masking key. `key` holds the key's four bytes in
  ;; little-endian order (WebAssembly's), rotated so that its lowest byte applies to byte `at`:
  ;; the caller rotates it for a payload that starts at any key offset.
  (func (export "mask") (param $at i32) (param $length i32) (param $key i32)
    (local $end i32)
    (local $keys v128)
    (local.set $end (i32.add (local.get $at) (local.get $length)))
    ;; The key four times over: 16 bytes, and 16 is a multiple of 4, so the phase is kept.
    (local.set $keys (i32x4.splat (local.get $key)))
    ;; 64 bytes per step.
    (block $done64
      (loop $step64
        (br_if $done64 (i32.gt_u (i32.add (local.get $at) (i32.const 64)) (local.get $end)))
        (v128.store offset=0 (local.get $at) (v128.xor (v128.load offset=0 (local.get $at)) (local.get $keys)))
        (v128.store offset=16 (local.get $at) (v128.xor (v128.load offset=16 (local.get $at)) (local.get $keys)))
        (v128.store offset=32 (local.get $at) (v128.xor (v128.load offset=32 (local.get $at)) (local.get $keys)))
        (v128.store offset=48 (local.get $at) (v128.xor (v128.load offset=48 (local.get $at)) (local.get $keys)))
        (local.set $at (i32.add (local.get $at) (i32.const 64)))
        (br $step64)))
    ;; 16 bytes per step.
    (block $done16
      (loop $step16
        (br_if $done16 (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $at) (v128.xor (v128.load (local.get $at)) (local.get $keys)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $step16)))
    ;; 4 bytes per step.
    (block $done4
      (loop $step4
        (br_if $done4 (i32.gt_u (i32.add (local.get $at) (i32.const 4)) (local.get $end)))
        (i32.store (local.get $at) (i32.xor (i32.load (local.get $at)) (local.get $key)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $step4)))
    ;; The last 0-3 bytes, one at a time: the key's next byte is its lowest after each rotation.
    (block $done1
      (loop $step1
        (br_if $done1 (i32.ge_u (local.get $at) (local.get $end)))
        (i32.store8 (local.get $at) (i32.xor (i32.load8_u (local.get $at)) (local.get $key)))
        (local.set $key (i32.rotr (local.get $key) (i32.const 8)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $step1))))
)
