print("tacebridge: not built yet")
