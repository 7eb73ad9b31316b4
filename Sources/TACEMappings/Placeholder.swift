enum MappingsPlaceholder { static var count: Int { DefaultMappingFiles.all.count } }
