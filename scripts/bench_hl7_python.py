#!/usr/bin/env python3
"""Times the Python HL7 v2 libraries a user would otherwise pick on an ER7 file, for tacebridge-bench.

Usage: bench_hl7_python.py FILE LIBRARY [RUNS]   (LIBRARY: hl7 or hl7apy)

Splits FILE into messages (each starts with an MSH segment; segments end with CR), then per message
parses it with the library and reads, from every OBX, the fields TACEBridge maps: OBX-2 value type,
OBX-3.1 code, OBX-3.3 coding system, OBX-5 value, OBX-6.1 unit, OBX-11 status and OBX-14 time, as
str. Splitting, parsing and field extraction are timed together with the process CPU clock; reading
the file is not. Prints one line: `library version bytes messages obx best_seconds median_seconds`.
"""
import statistics
import sys
import time


def split_messages(text):
    parts = text.split("\rMSH|")
    return [parts[0] + "\r"] + ["MSH|" + p + "\r" for p in parts[1:]] if parts else []


def run_hl7(messages):
    import hl7

    obx = 0
    for raw in messages:
        message = hl7.parse(raw)
        for segment in message.segments("OBX"):
            # Components through the library's documented accessor (it also copes with an empty field).
            fields = (str(segment[2]), segment.extract_field(field_num=3, component_num=1),
                      segment.extract_field(field_num=3, component_num=3), str(segment[5]),
                      segment.extract_field(field_num=6, component_num=1), str(segment[11]), str(segment[14]))
            obx += 1 if fields[1] else 0
    return obx


def run_hl7apy(messages):
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    obx = 0
    for raw in messages:
        # Tolerant validation (the strict level refuses real-world quirks); no group detection,
        # so segments are read in order as TACEBridge reads them.
        message = parse_message(raw, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)
        for segment in message.children:
            if segment.name != "OBX":
                continue
            fields = (segment.obx_2.value, segment.obx_3.obx_3_1.value, segment.obx_3.obx_3_3.value,
                      segment.obx_5.value, segment.obx_6.obx_6_1.value, segment.obx_11.value, segment.obx_14.value)
            obx += 1 if fields[1] else 0
    return obx


def version(library):
    from importlib.metadata import version as v

    return v(library)


def main():
    path, library = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")
    body = {"hl7": run_hl7, "hl7apy": run_hl7apy}[library]
    times = []
    obx = 0
    count = 0
    for _ in range(runs):
        start = time.process_time()
        messages = split_messages(text.rstrip("\r"))
        obx = body(messages)
        times.append(time.process_time() - start)
        count = len(messages)
    print(library, version(library), len(data), count, obx, min(times), statistics.median(times))


if __name__ == "__main__":
    main()
