;; The UTF-8 kernel: is a run of bytes well-formed UTF-8 (RFC 3629 §4), and if not, in which
;; 64-byte group does the first error show? RFC 6455 §8.1: "When an endpoint is to interpret a byte
;; stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that
;; endpoint MUST _Fail the WebSocket Connection_."
;;
;; The algorithm is Keiser and Lemire's "lookup" validator (Validating UTF-8 in less than one
;; instruction per byte, Software: Practice and Experience 51(5), 2021), as simdjson and simdutf
;; run it: each byte is judged with the one before it through three 16-entry tables (the high and
;; low nibble of the byte before, the high nibble of the byte), plus a check that the bytes two and
;; three after a 3- and 4-byte lead are continuations. Sixteen bytes per step; 64 bytes of ASCII
;; are skipped at once.
;;
;; It answers for a whole group, not for the byte: the caller (utf8.ts) runs its own state machine
;; from just before the group where the error showed, which finds the exact byte at fault. Every
;; byte before that group but its last is a valid prefix: an error shows with the byte after the
;; one at fault at the latest (a lead byte that can never be valid, 0xC0 or 0xF5 say, is judged
;; with the byte that follows it, which may be the first of the next group).
;;
;; Hand-written WebAssembly text, SIMD128. Assembled by `npm run build:wasm` (scripts/build-wasm.ts,
;; with wabt) into utf8-bytes.ts, which src/protocol/wasm/kernels.ts instantiates synchronously.
(module
  ;; The kernels' memory, shared with mask.wat (kernels.ts makes it): two pages (128 KiB), never
  ;; grown, so the caller's views stay valid. The caller copies at most 64 KiB in at offset 0, or
  ;; validates a text payload's bytes where the masking kernel left them.
  (import "kernels" "memory" (memory 2 2))

  ;; Validate the bytes [start, start + length). Returns -1 when they are whole, well-formed UTF-8;
  ;; else the offset from `start` of the group (64 bytes, or 16 near the end) where the first error
  ;; shows, which may be the block after the end when the bytes end inside a character. Nothing is
  ;; written: the last partial block is read whole (up to 15 bytes past the end, which must lie in
  ;; memory) and the lanes past the end count as zeros, and a block of zeros follows.
  (func (export "validate") (param $start i32) (param $length i32) (result i32)
    (local $at i32)
    (local $stop i32)
    (local $whole i32)
    (local $end i32)
    (local $group i32)
    (local $blocks i32)
    (local $input v128)
    (local $prev v128)
    (local $prev1 v128)
    (local $special v128)
    (local $error v128)
    (local $incomplete v128)
    (local.set $at (local.get $start))
    (local.set $stop (i32.add (local.get $start) (local.get $length)))
    ;; The whole blocks end here; then the last partial block, and a block of zeros after it (a
    ;; character cut at the end shows there).
    (local.set $whole (i32.add (local.get $start) (i32.and (local.get $length) (i32.const -16))))
    (local.set $end (i32.add (local.get $start)
      (i32.add (i32.and (i32.add (local.get $length) (i32.const 15)) (i32.const -16)) (i32.const 16))))
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $group (local.get $at))
        (local.set $blocks (i32.const 1))
        (if (i32.le_u (i32.add (local.get $at) (i32.const 64)) (local.get $whole))
          (then
            ;; 64 bytes of ASCII: nothing to check in them, but a character left unfinished before them.
            (if (i32.eqz (v128.any_true (v128.and
                  (v128.or
                    (v128.or (v128.load offset=0 (local.get $at)) (v128.load offset=16 (local.get $at)))
                    (v128.or (v128.load offset=32 (local.get $at)) (v128.load offset=48 (local.get $at))))
                  (v128.const i8x16 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80))))
              (then
                (local.set $error (v128.or (local.get $error) (local.get $incomplete)))
                (local.set $incomplete (v128.const i64x2 0 0))
                (local.set $prev (v128.load offset=48 (local.get $at)))
                (local.set $at (i32.add (local.get $at) (i32.const 64)))
                (br_if $done (v128.any_true (local.get $error)))
                (br $groups)))
            (local.set $blocks (i32.const 4))))
        ;; One block (or the four of a group that is not all ASCII), 16 bytes at a time.
        (loop $block
          (local.set $input
            (if (result v128) (i32.lt_u (local.get $at) (local.get $whole))
              (then (v128.load (local.get $at)))
              (else
                (if (result v128) (i32.lt_u (local.get $at) (local.get $stop))
                  ;; The last partial block: its lanes from the end on count as zeros.
                  (then
                    (v128.and (v128.load (local.get $at))
                      (i8x16.gt_s
                        (i8x16.splat (i32.sub (local.get $stop) (local.get $at)))
                        (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))))
                  ;; The block of zeros after the end.
                  (else (v128.const i64x2 0 0))))))
          ;; Each byte with the byte before it (the last of the previous block for lane 0).
          (local.set $prev1 (i8x16.shuffle 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 (local.get $prev) (local.get $input)))
          ;; The three tables: what each pair may be, ANDed. A bit left set is an error, except the
          ;; "two continuations" bit (0x80), which a 3- or 4-byte lead two or three bytes back allows.
          (local.set $special
            (v128.and
              (v128.and
                ;; the byte before, by its high nibble
                (i8x16.swizzle
                  (v128.const i8x16 0x02 0x02 0x02 0x02 0x02 0x02 0x02 0x02 0x80 0x80 0x80 0x80 0x21 0x01 0x15 0x49)
                  (i8x16.shr_u (local.get $prev1) (i32.const 4)))
                ;; the byte before, by its low nibble
                (i8x16.swizzle
                  (v128.const i8x16 0xe7 0xa3 0x83 0x83 0x8b 0xcb 0xcb 0xcb 0xcb 0xcb 0xcb 0xcb 0xcb 0xdb 0xcb 0xcb)
                  (v128.and (local.get $prev1) (v128.const i8x16 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f 0x0f))))
              ;; this byte, by its high nibble
              (i8x16.swizzle
                (v128.const i8x16 0x01 0x01 0x01 0x01 0x01 0x01 0x01 0x01 0xe6 0xae 0xba 0xba 0x01 0x01 0x01 0x01)
                (i8x16.shr_u (local.get $input) (i32.const 4)))))
          ;; Continuations required two and three bytes after a 3- and 4-byte lead: the byte two back
          ;; is >= 0xE0, or the byte three back >= 0xF0, exactly where the high bit of these is set.
          (local.set $error
            (v128.or (local.get $error)
              (v128.xor (local.get $special)
                (v128.and
                  (v128.const i8x16 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80 0x80)
                  (v128.or
                    (i8x16.sub_sat_u
                      (i8x16.shuffle 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 (local.get $prev) (local.get $input))
                      (v128.const i8x16 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60 0x60))
                    (i8x16.sub_sat_u
                      (i8x16.shuffle 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 (local.get $prev) (local.get $input))
                      (v128.const i8x16 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70 0x70)))))))
          (local.set $prev (local.get $input))
          (local.set $at (i32.add (local.get $at) (i32.const 16)))
          (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
          (br_if $block (local.get $blocks)))
        ;; A lead byte among the last three that its block does not finish (a 4-byte lead three
        ;; from the end, a 3- or 4-byte lead two from the end, any lead last): the next bytes must
        ;; continue it, which the next non-ASCII block checks, and the next ASCII group must not skip.
        (local.set $incomplete
          (i8x16.sub_sat_u (local.get $prev)
            (v128.const i8x16 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xef 0xdf 0xbf)))
        (br_if $done (v128.any_true (local.get $error)))
        (br $groups)))
    (if (result i32) (v128.any_true (local.get $error))
      (then (i32.sub (local.get $group) (local.get $start)))
      (else (i32.const -1))))
)
