package auth

// The two role sets most slices give their registries: AreaStaff read
// them, OfficeStaff (without grid workers) edit them. Each call returns a
// new slice, so a slice may extend its copy.

// AreaStaff are the staff roles that keep registries inside their area:
// grid and community workers, township, county and city staff (Staff).
func AreaStaff() []Role {
	return []Role{GridWorker, CommunityWorker, TownshipStaff, CountyStaff, CityStaff}
}

// OfficeStaff are AreaStaff but grid workers: community workers,
// township, county and city staff.
func OfficeStaff() []Role { return AreaStaff()[1:] }
