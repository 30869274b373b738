from housing.sample_data import write_files

write_files()
